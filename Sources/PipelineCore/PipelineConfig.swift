import Foundation

/// A validated `pipeline.json`: the schema's checks, its defaults filled in, and the structure
/// every pipeline has (named datasets, runs that name a dataset, sweeps expanded into more of
/// both). Checks that belong to a stage live in its `settings`.
public struct PipelineConfig {
    /// One named run: which dataset and which targets it trains on.
    public struct Run: Equatable {
        public let name: String
        public let dataset: String
        public let targets: String
        /// The sweep the run belongs to (its grid point and budgets); nil for the runs of `runs`.
        public var sweep: SweepRun? = nil
    }

    /// The configuration file.
    public let file: URL
    /// The whole document, defaults filled in.
    public let document: JSONValue
    /// The artifact store directory.
    public let storeDirectory: URL
    /// Datasets by name, as written (defaults filled in).
    public let datasets: [String: JSONValue]
    /// Runs by name (the `runs` section: the paper's figures and tables are made of these).
    public let runs: [String: Run]
    /// Sweeps by name, expanded.
    public let sweeps: [String: Sweep]
    /// The datasets of the sweeps by name (slices like a `datasets` entry that samples).
    public let sweepDatasets: [String: JSONValue]
    /// The runs of the sweeps by name (one per dataset of a sweep).
    public let sweepRuns: [String: Run]
    /// The names of `runs` and `sweepRuns`, sorted.
    public let allRunNames: [String]
    /// The names of `datasets` and `sweepDatasets`, sorted.
    public let allDatasetNames: [String]

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
        var sweeps: [String: Sweep] = [:], sweepDatasets: [String: JSONValue] = [:], sweepRuns: [String: Run] = [:]
        let checkInterval = document["multistart"]?["check_interval"]?.intValue ?? 1
        for (name, spec) in document["sweeps"]?.objectValue ?? [:] {
            try PipelineConfig.checkName(name, path: "sweeps.\(name)")
            let sweep = try Sweep(name: name, spec: spec)
            sweeps[name] = sweep
            for cell in sweep.cells {
                let budgets = (train: sweep.trainSteps(cell), multistart: sweep.multistartSteps(cell, checkInterval: checkInterval))
                for seed in sweep.seeds {
                    let instance = sweep.instance(cell, seed: seed)
                    if datasets[instance] != nil || runs[instance] != nil || sweepRuns[instance] != nil {
                        throw ConfigError(path: "sweeps.\(name)", value: JSONValue.string(instance).canonical,
                                          message: "this sweep's dataset and run name is taken by another dataset, run or sweep")
                    }
                    sweepDatasets[instance] = .object(["teacher": sweep.teacher, "sample": .object([
                        "n": .number(Double(cell.n)), "sigma": .number(cell.sigma), "seed": .number(Double(seed))])])
                    sweepRuns[instance] = Run(name: instance, dataset: instance, targets: "noisy", sweep: SweepRun(
                        sweep: name, cell: cell, seed: seed, paperInit: sweep.paperInit, trainSteps: budgets.train,
                        recordEvery: sweep.recordEvery, starts: sweep.starts, multistartSteps: budgets.multistart))
                }
            }
        }
        self.sweeps = sweeps
        self.sweepDatasets = sweepDatasets
        self.sweepRuns = sweepRuns
        allRunNames = (Array(runs.keys) + Array(sweepRuns.keys)).sorted()
        allDatasetNames = (Array(datasets.keys) + Array(sweepDatasets.keys)).sorted()
    }

    /// A run of `runs` or of a sweep.
    public func run(_ name: String) -> Run? { runs[name] ?? sweepRuns[name] }

    /// A dataset of `datasets` or of a sweep (its slice).
    public func dataset(_ name: String) -> JSONValue? { datasets[name] ?? sweepDatasets[name] }

    /// The runs of one sweep, sorted by name.
    public func runs(ofSweep name: String) -> [Run] {
        sweepRuns.values.filter { $0.sweep?.sweep == name }.sorted { $0.name < $1.name }
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
