import Foundation
import MLPNumerics
import PipelineCore

/// One entry of `pipeline.json`'s `sweeps` section, expanded: a grid over the dataset parameters
/// (n, σ, a range of dataset seeds, the teacher) and what runs on every dataset of it (the
/// configuration's own initial point, a multi-start of N starts, step budgets that may grow as σ
/// shrinks and n grows).
///
/// A sweep is not a second kind of node: it expands into ordinary datasets and runs
/// (`StudyConfig`), each with an ordinary key, so caching, early cutoff, status and verify treat
/// them like the paper's. A dataset node of a sweep has the settings of a sampled dataset written
/// by hand, so the two share their artifact.
public struct Sweep: Equatable {
    /// One (n, σ) cell of the grid.
    public struct Cell: Hashable, Codable, Sendable {
        public let n: Int
        public let sigma: Double
    }

    public let name: String
    public let teacher: Network
    public let n: [Int]
    public let sigma: [Double]
    /// The dataset seeds, `seeds.first ..< seeds.first + seeds.count`.
    public let seeds: [Int]
    /// Train from the configuration's initial point (`train.init`) and analyse the embedded line.
    public let paperInit: Bool
    /// Starts of the multi-start per dataset (0: none).
    public let starts: Int
    /// `train.record_every` of the sweep's training runs (their trajectories are not plotted).
    public let recordEvery: Int
    let trainSteps: Double
    let multistartSteps: Double
    let referenceN: Double
    let referenceSigma: Double
    let nExponent: Double
    let sigmaExponent: Double

    /// The cells in grid order (n outer, σ inner).
    public var cells: [Cell] { n.flatMap { n in sigma.map { Cell(n: n, sigma: $0) } } }

    /// How much longer runs are in a cell than at the reference point: (n/n_ref)^a · (σ_ref/σ)^b.
    public func budgetFactor(_ cell: Cell) -> Double {
        pow(Double(cell.n) / referenceN, nExponent) * pow(referenceSigma / cell.sigma, sigmaExponent)
    }

    /// The training run's steps in a cell (at least 1).
    public func trainSteps(_ cell: Cell) -> Int { max(1, Int((trainSteps * budgetFactor(cell)).rounded())) }

    /// The multi-start's step budget per start in a cell, a whole number of convergence checks
    /// (`check_interval`), at least one.
    public func multistartSteps(_ cell: Cell, checkInterval: Int) -> Int {
        let checks = (multistartSteps * budgetFactor(cell) / Double(checkInterval)).rounded(.up)
        return max(1, Int(checks)) * checkInterval
    }

    /// The name of the dataset (and run) of a cell and seed: `<sweep>-n<n>-s<σ>-d<seed>`, e.g.
    /// `study-n25-s0.2-d3` (its nodes: `dataset[study-n25-s0.2-d3]`, `train[study-n25-s0.2-d3]`).
    public func instance(_ cell: Cell, seed: Int) -> String { Sweep.instance(name, cell, seed: seed) }

    /// `instance(_:seed:)` of the sweep named `sweep`.
    public static func instance(_ sweep: String, _ cell: Cell, seed: Int) -> String {
        "\(sweep)-n\(cell.n)-s\(JSONValue.format(cell.sigma))-d\(seed)"
    }

    /// Reads the entry `sweeps.<name>` of a validated configuration.
    /// - Throws: `ConfigError` for what the schema cannot say (repeated grid values, a sweep that
    ///   runs nothing).
    public init(name: String, config: Configuration) throws {
        let path = "sweeps.\(name)"
        self.name = name
        teacher = try StudyConfig.teacher(at: "\(path).teacher", config: config)
        n = try config.ints("\(path).n")
        sigma = try config.doubles("\(path).sigma")
        let first = try config.int("\(path).seeds.first"), count = try config.int("\(path).seeds.count")
        seeds = Array(first..<(first + count))
        paperInit = try config.bool("\(path).paper_init")
        starts = try config.int("\(path).starts")
        recordEvery = try config.int("\(path).record_every")
        trainSteps = try config.double("\(path).budget.train_steps")
        multistartSteps = try config.double("\(path).budget.multistart_max_steps")
        referenceN = try config.double("\(path).budget.reference_n")
        referenceSigma = try config.double("\(path).budget.reference_sigma")
        nExponent = try config.double("\(path).budget.n_exponent")
        sigmaExponent = try config.double("\(path).budget.sigma_exponent")
        for (key, values) in [("n", n.map(Double.init)), ("sigma", sigma)] where Set(values).count != values.count {
            throw config.failure("\(path).\(key)", "lists a value twice")
        }
        if !paperInit && starts == 0 {
            throw ConfigError(
                path: "\(path).starts", value: "0", message: "with paper_init false the sweep would run nothing")
        }
    }
}

/// What a run of a sweep trains with: its place in the grid and its budgets.
public struct SweepRun: Equatable, Sendable {
    public let sweep: String
    public let cell: Sweep.Cell
    public let seed: Int
    public let paperInit: Bool
    public let trainSteps: Int
    public let recordEvery: Int
    public let starts: Int
    public let multistartSteps: Int
}
