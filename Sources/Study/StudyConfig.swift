import Foundation
import MLPNumerics
import PipelineCore

/// The study a configuration describes: named datasets (sampled with a seed, or imported from a
/// file), runs that train on one dataset's noisy or clean targets, and sweeps that expand into
/// more of both. The stages read it to know their instances; checks that span these sections
/// (a run naming a dataset that does not exist, a sweep's names clashing) live here, with the
/// configuration key they concern.
///
/// A sweep is not a second kind of node: its datasets and runs are ordinary ones (named
/// `<sweep>-n<n>-s<σ>-d<seed>`), and a sweep's dataset, written like a sampled entry of
/// `datasets`, shares its artifact with one written by hand.
public struct StudyConfig {
    /// Datasets by name: those of `datasets` and those of the sweeps.
    public let datasets: [String: Dataset]
    /// Runs by name: those of `runs` (the paper's figures and tables are made of these) and those
    /// of the sweeps.
    public let runs: [String: Run]
    /// Sweeps by name.
    public let sweeps: [String: Sweep]

    /// One dataset: the teacher and where the data comes from.
    public struct Dataset: Equatable {
        public let name: String
        public let teacher: Network
        public let source: Source

        public enum Source: Equatable {
            case sample(n: Int, sigma: Double, seed: UInt64)
            /// A two-column text file: the path as configured, resolved, and where it comes from.
            case file(path: String, url: URL, origin: String?)
        }
    }

    /// One run: which dataset and which targets it trains on, its student width, and its sweep's grid point.
    public struct Run: Equatable {
        public let name: String
        public let dataset: String
        public let targets: Targets
        /// The student width m (`runs.<name>.width`, else `train.width`).
        public let width: Int
        /// Nil for the runs of `runs`.
        public let sweep: SweepRun?
    }

    /// The study of a configuration, read once and shared by every stage that plans from it.
    /// - Throws: `ConfigError` naming the first offending key.
    public static func of(_ config: Configuration) throws -> StudyConfig {
        try config.derived(StudyConfig.self) { try StudyConfig(config: $0) }
    }

    /// The runs of `runs` (not of a sweep), sorted by name.
    public var ownRuns: [Run] { runs.values.filter { $0.sweep == nil }.sorted { $0.name < $1.name } }

    /// Every run, sorted by name.
    public var allRuns: [Run] { runs.values.sorted { $0.name < $1.name } }

    /// The runs of one sweep, sorted by name.
    public func runs(ofSweep name: String) -> [Run] {
        runs.values.filter { $0.sweep?.sweep == name }.sorted { $0.name < $1.name }
    }

    /// The runs of `runs` whose targets a related study's `run_targets` (at `path`) lists.
    public func runs(selectedBy path: String, in config: Configuration) throws -> [Run] {
        let targets = try config.strings(path)
        return ownRuns.filter { targets.contains($0.targets.rawValue) }
    }

    init(config: Configuration) throws {
        var datasets: [String: Dataset] = [:]
        for name in config.names("datasets") {
            datasets[name] = try StudyConfig.dataset(name, config: config)
        }
        if datasets.isEmpty {
            throw ConfigError(path: "datasets", value: "{}", message: "at least one dataset is needed")
        }
        var runs: [String: Run] = [:]
        for name in config.names("runs") {
            try StudyConfig.checkName(name, path: "runs.\(name)")
            let dataset = try config.string("runs.\(name).dataset")
            guard datasets[dataset] != nil else {
                throw ConfigError(
                    path: "runs.\(name).dataset", value: JSONValue.string(dataset).canonical,
                    message: "no such dataset (defined: \(datasets.keys.sorted().joined(separator: ", ")))")
            }
            runs[name] = Run(
                name: name, dataset: dataset, targets: try config.choice(Targets.self, "runs.\(name).targets"),
                width: config.value(at: "runs.\(name).width") == nil
                    ? try config.int("train.width") : try config.int("runs.\(name).width"),
                sweep: nil)
        }
        if runs.isEmpty {
            throw ConfigError(path: "runs", value: "{}", message: "at least one run is needed")
        }
        var sweeps: [String: Sweep] = [:]
        let checkInterval = try config.int("multistart.check_interval")
        for name in config.names("sweeps") {
            try StudyConfig.checkName(name, path: "sweeps.\(name)")
            let sweep = try Sweep(name: name, config: config)
            sweeps[name] = sweep
            for cell in sweep.cells {
                for seed in sweep.seeds {
                    let instance = sweep.instance(cell, seed: seed)
                    if datasets[instance] != nil || runs[instance] != nil {
                        throw ConfigError(
                            path: "sweeps.\(name)", value: JSONValue.string(instance).canonical,
                            message: "this sweep's dataset and run name is taken by another dataset, run or sweep")
                    }
                    datasets[instance] = Dataset(
                        name: instance, teacher: sweep.teacher,
                        source: .sample(n: cell.n, sigma: cell.sigma, seed: UInt64(seed)))
                    runs[instance] = Run(
                        name: instance, dataset: instance, targets: .noisy, width: try config.int("train.width"),
                        sweep: SweepRun(
                            sweep: name, cell: cell, seed: seed, paperInit: sweep.paperInit,
                            trainSteps: sweep.trainSteps(cell),
                            recordEvery: sweep.recordEvery, starts: sweep.starts,
                            multistartSteps: sweep.multistartSteps(cell, checkInterval: checkInterval)))
                }
            }
        }
        self.datasets = datasets
        self.runs = runs
        self.sweeps = sweeps
    }

    /// One entry of `datasets`, checked: a teacher of equal-length vectors and exactly one source.
    static func dataset(_ name: String, config: Configuration) throws -> Dataset {
        let path = "datasets.\(name)"
        try checkName(name, path: path)
        let teacher = try StudyConfig.teacher(at: "\(path).teacher", config: config)
        let sample = config.value(at: "\(path).sample"), file = config.value(at: "\(path).file")
        guard (sample == nil) != (file == nil) else {
            throw ConfigError(
                path: path, value: config.value(at: path)?.brief, message: "give exactly one of 'sample' and 'file'")
        }
        if sample != nil {
            return Dataset(
                name: name, teacher: teacher,
                source: .sample(
                    n: try config.int("\(path).sample.n"), sigma: try config.double("\(path).sample.sigma"),
                    seed: try config.seed("\(path).sample.seed")))
        }
        let filePath = try config.string("\(path).file.path")
        return Dataset(
            name: name, teacher: teacher,
            source: .file(
                path: filePath, url: config.resolve(filePath),
                origin: config.value(at: "\(path).file.source")?.stringValue))
    }

    /// A teacher `{w, v}` at `path`.
    /// - Throws: `ConfigError` at `<path>.v` when the vectors differ in length.
    static func teacher(at path: String, config: Configuration) throws -> Network {
        let w = try config.doubles("\(path).w"), v = try config.doubles("\(path).v")
        guard w.count == v.count else {
            throw config.failure(
                "\(path).v", "has \(v.count) element(s) but \(path).w has \(w.count); they must have the same length")
        }
        return Network(w: w, v: v)
    }

    /// Dataset, run and sweep names become file and node names.
    static func checkName(_ name: String, path: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        if name.isEmpty || name.unicodeScalars.contains(where: { !allowed.contains($0) }) || !name.allSatisfy(\.isASCII)
        {
            throw ConfigError(
                path: path, value: JSONValue.string(name).canonical,
                message: "names may use only ASCII letters, digits, '-' and '_'")
        }
    }
}

/// Which targets a run trains on: the noisy labels (D_σ) or the teacher's clean values (D_0),
/// both on the same inputs.
public enum Targets: String, Codable, CaseIterable, Sendable {
    case noisy, clean
}

extension StudyConfig {
    /// n of a run's dataset: its `sample.n`, or the number of data lines of its file (nil when
    /// the file cannot be read).
    public func sampleCount(ofRun name: String) -> Int? {
        guard let run = runs[name], let dataset = datasets[run.dataset] else { return nil }
        switch dataset.source {
        case .sample(let n, _, _): return n
        case .file(_, let url, _):
            guard let text = try? String(contentsOf: url, encoding: .utf8), let parsed = try? TwoColumnText.parse(text)
            else {
                return nil
            }
            return parsed.x.count
        }
    }
}

/// The settings of a stage with a node per run: they hold the run's targets.
public protocol RunSettings {
    var targets: Targets { get set }
}

extension StudyConfig.Run {
    /// This run's node of a per-run stage: `settings` with the run's targets, named after the run.
    public func node<S: RunSettings>(_ settings: S, inputs: [String: NodeID]) -> NodeSpec<S> {
        var own = settings
        own.targets = targets
        return NodeSpec(instance: name, settings: own, inputs: inputs)
    }

    /// This run's node of another per-run stage, `stage[run]`.
    public func nodeID(_ stage: String) -> NodeID { NodeID(stage: stage, instance: name) }
}
