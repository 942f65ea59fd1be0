import Foundation

/// A validated `pipeline.json`: the schema's checks, its defaults filled in, and the structure
/// every pipeline has (named datasets, runs that name a dataset). Checks that belong to a stage
/// live in its `settings`.
public struct PipelineConfig {
    /// One named run: which dataset and which targets it trains on.
    public struct Run: Equatable {
        public let name: String
        public let dataset: String
        public let targets: String
    }

    /// The configuration file.
    public let file: URL
    /// The whole document, defaults filled in.
    public let document: JSONValue
    /// The artifact store directory.
    public let storeDirectory: URL
    /// Datasets by name, as written (defaults filled in).
    public let datasets: [String: JSONValue]
    /// Runs by name.
    public let runs: [String: Run]

    /// The directory relative to which the config's paths are resolved.
    public var baseDirectory: URL { file.deletingLastPathComponent() }

    /// Loads and validates a configuration file.
    /// - Parameters:
    ///   - path: the `pipeline.json` to read.
    ///   - schema: the parsed `pipeline.schema.json`.
    /// - Throws: `ConfigError` naming the first offending key and value.
    public static func load(path: String, schema: JSONValue) throws -> PipelineConfig {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(path: "", value: nil, message: "cannot read configuration file \(path)")
        }
        let raw = try JSONValue.parse(data, source: url.lastPathComponent)
        let document = try SchemaValidator(schema: schema).validate(raw)
        return try PipelineConfig(file: url, document: document)
    }

    init(file: URL, document: JSONValue) throws {
        self.file = file
        self.document = document
        let base = file.deletingLastPathComponent()
        storeDirectory = URL(fileURLWithPath: document["store"]?.stringValue ?? "results", relativeTo: base).standardizedFileURL
        datasets = document["datasets"]?.objectValue ?? [:]
        if datasets.isEmpty {
            throw ConfigError(path: "datasets", value: "{}", message: "at least one dataset is needed")
        }
        for name in datasets.keys {
            try PipelineConfig.checkName(name, path: "datasets.\(name)")
        }
        var runs: [String: Run] = [:]
        for (name, spec) in document["runs"]?.objectValue ?? [:] {
            try PipelineConfig.checkName(name, path: "runs.\(name)")
            let dataset = spec["dataset"]?.stringValue ?? ""
            guard datasets[dataset] != nil else {
                throw ConfigError(path: "runs.\(name).dataset", value: JSONValue.string(dataset).canonical,
                                  message: "no such dataset (defined: \(datasets.keys.sorted().joined(separator: ", ")))")
            }
            runs[name] = Run(name: name, dataset: dataset, targets: spec["targets"]?.stringValue ?? "noisy")
        }
        if runs.isEmpty {
            throw ConfigError(path: "runs", value: "{}", message: "at least one run is needed")
        }
        self.runs = runs
    }

    /// A top-level section, e.g. `train` (defaults filled in), or an empty object.
    public func section(_ name: String) -> JSONValue {
        document[name] ?? .object([:])
    }

    /// The absolute path of a dataset's data file, when it imports one.
    public func dataFile(ofDataset name: String) -> URL? {
        guard let path = datasets[name]?["file"]?["path"]?.stringValue else { return nil }
        return URL(fileURLWithPath: path, relativeTo: baseDirectory).standardizedFileURL
    }

    static func checkName(_ name: String, path: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        if name.isEmpty || name.unicodeScalars.contains(where: { !allowed.contains($0) }) || !name.allSatisfy(\.isASCII) {
            throw ConfigError(path: path, value: JSONValue.string(name).canonical,
                              message: "names may use only ASCII letters, digits, '-' and '_'")
        }
    }
}
