import Foundation

/// A validated `pipeline.json`: the schema's checks, its defaults filled in, and the checks that
/// span keys (a run's dataset exists, vector lengths agree with widths, data files exist).
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
    ///   - extraChecks: stage-specific checks that span keys (see `StageCatalog`).
    /// - Throws: `ConfigError` naming the first offending key and value.
    public static func load(path: String, schema: JSONValue, extraChecks: [(JSONValue) throws -> Void] = []) throws -> PipelineConfig {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(path: "", value: nil, message: "cannot read configuration file \(path)")
        }
        let raw = try JSONValue.parse(data, source: url.lastPathComponent)
        let document = try SchemaValidator(schema: schema).validate(raw)
        return try PipelineConfig(file: url, document: document, extraChecks: extraChecks)
    }

    init(file: URL, document: JSONValue, extraChecks: [(JSONValue) throws -> Void]) throws {
        self.file = file
        self.document = document
        let base = file.deletingLastPathComponent()
        storeDirectory = URL(fileURLWithPath: document["store"]?.stringValue ?? "results", relativeTo: base).standardizedFileURL
        datasets = document["datasets"]?.objectValue ?? [:]
        if datasets.isEmpty {
            throw ConfigError(path: "datasets", value: "{}", message: "at least one dataset is needed")
        }
        for (name, spec) in datasets {
            try PipelineConfig.checkName(name, path: "datasets.\(name)")
            try PipelineConfig.checkDataset(spec, path: "datasets.\(name)", base: base)
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
        for check in extraChecks { try check(document) }
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

    static func checkDataset(_ spec: JSONValue, path: String, base: URL) throws {
        let hasSample = spec["sample"] != nil
        let hasFile = spec["file"] != nil
        if hasSample == hasFile {
            throw ConfigError(path: path, value: spec.brief, message: "give exactly one of 'sample' and 'file'")
        }
        if let teacher = spec["teacher"] {
            try checkSameLength(teacher, path: "\(path).teacher")
        }
        if let file = spec["file"]?["path"]?.stringValue {
            let url = URL(fileURLWithPath: file, relativeTo: base).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: url.path) else {
                throw ConfigError(path: "\(path).file.path", value: JSONValue.string(file).canonical,
                                  message: "data file not found or not readable (looked at \(url.path))")
            }
        }
    }

    /// Checks that an object's `w` and `v` arrays have the same length (and, if given, `width`).
    public static func checkSameLength(_ object: JSONValue, path: String, width: Int? = nil) throws {
        let w = object["w"]?.arrayValue?.count ?? 0
        let v = object["v"]?.arrayValue?.count ?? 0
        if w != v {
            throw ConfigError(path: "\(path).v", value: object["v"]?.brief,
                              message: "has \(v) element(s) but \(path).w has \(w); they must have the same length")
        }
        if let width, w != width {
            throw ConfigError(path: "\(path).w", value: object["w"]?.brief,
                              message: "has \(w) element(s) but the network width is \(width)")
        }
    }
}
