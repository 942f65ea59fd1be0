import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import MultiStart
import PipelineCore
import Refinement
import Study
import Train

/// Aggregates one sweep (Theorem 3.1 as a measured probability): per (n, σ) cell, the fraction of
/// datasets whose limits form a single limit function, the fraction whose lowest-E_tr limits are
/// one point modulo symmetry (the theorem as stated), the fraction of starts reaching the lowest
/// E_tr found on their dataset, the embedded line's basin split by the sign of A, the unconverged
/// fraction, the distribution of A, and how often the line's prediction for the initial point
/// agrees with where its training run ended — each with a 95 % Wilson interval.
///
/// One node per sweep. Settings: the sweep's grid (cells, seeds, whether it trains from the
/// initial point and has starts) and `global_minimum_tolerance`, η (`train.eta`: the training
/// runs' step, for the line's GD-stable segments), the eigen section's Newton settings and
/// `set_tolerance`, the multistart section's certificate and `gradient_tolerance` (a training run
/// whose final gradient is below it has converged). Inputs per run `<run>` of the sweep:
/// `dataset.<run>`, and `train.<run>` and `line.<run>` with `paper_init`, `multistart.<run>` with
/// starts. Layout: `SweepSummaryArtifact`.
public enum SweepSummaryStage: Stage {
    public static let name = "sweep-summary"
    public static let summary =
        "per (n, σ) cell of a sweep: single limit function, unique minimum, global-minimum and line-basin fractions, "
        + "A, prediction vs outcome (Wilson intervals)"

    public struct Settings: Codable, Equatable {
        public var sweep: String
        /// The grid in order (n outer, σ inner) and the dataset seeds.
        public var cells: [Sweep.Cell]
        public var seeds: [Int]
        public var paperInit: Bool
        public var starts: Int
        public var globalMinimumTolerance: Double
        public var eta: Double
        public var gradientTolerance: Double
        public var newton: NewtonSettings
        public var setTolerance: Double
        public var certification: CertificationSettings

        /// The dataset (and run) of a cell and seed, as the sweep names it.
        func run(_ cell: Sweep.Cell, seed: Int) -> String { Sweep.instance(sweep, cell, seed: seed) }
    }

    /// The per-run stages a sweep's summary reads, by whether the sweep trains from the initial
    /// point and has starts.
    static func inputStages(_ sweep: Sweep) -> [String] {
        [DatasetStage.name] + (sweep.paperInit ? [TrainStage.name, LineStage.name] : [])
            + (sweep.starts > 0 ? [MultiStartStage.name] : [])
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let study = try StudyConfig.of(config)
        return try study.sweeps.keys.sorted().map { name in
            let sweep = study.sweeps[name]!
            let settings = Settings(
                sweep: name, cells: sweep.cells, seeds: sweep.seeds, paperInit: sweep.paperInit, starts: sweep.starts,
                globalMinimumTolerance: try config.double("sweeps.\(name).global_minimum_tolerance"),
                eta: try config.double("train.eta"),
                gradientTolerance: try config.double("multistart.gradient_tolerance"),
                newton: try NewtonSettings(config), setTolerance: try NewtonSettings.setTolerance(config),
                certification: try CertificationSettings(config))
            var inputs: [String: NodeID] = [:]
            for run in study.runs(ofSweep: name) {
                for stage in inputStages(sweep) {
                    inputs["\(stage).\(run.name)"] = NodeID(stage: stage, instance: run.name)
                }
            }
            return NodeSpec(instance: name, settings: settings, inputs: inputs)
        }
    }

    /// Each sweep's grid and its budgets per cell, for `pipeline dag`'s summary of a large DAG.
    public static func describe(_ nodes: [NodeSpec<Settings>], _ config: Configuration) -> [String] {
        guard !nodes.isEmpty, let study = try? StudyConfig.of(config),
            let checkInterval = try? config.int("multistart.check_interval")
        else {
            return []
        }
        var lines = ["runs: \(study.ownRuns.map(\.name).joined(separator: ", "))"]
        for sweep in study.sweeps.values.sorted(by: { $0.name < $1.name }) {
            let n = sweep.n.map(String.init).joined(separator: ", ")
            let sigma = sweep.sigma.map(JSONValue.format).joined(separator: ", ")
            lines.append(
                "sweep \(sweep.name): n ∈ {\(n)} × σ ∈ {\(sigma)} × \(sweep.seeds.count) dataset seed(s) "
                    + "(\(sweep.seeds.first!)…\(sweep.seeds.last!)) = \(sweep.cells.count * sweep.seeds.count) "
                    + "datasets; "
                    + "paper init: \(sweep.paperInit ? "yes" : "no"), starts: \(sweep.starts); "
                    + "nodes named \(sweep.name)-n<n>-s<σ>-d<seed>")
            for cell in sweep.cells {
                let train = sweep.paperInit ? String(sweep.trainSteps(cell)) : "-"
                let multistart =
                    sweep.starts > 0 ? String(sweep.multistartSteps(cell, checkInterval: checkInterval)) : "-"
                lines.append(
                    "  n = \(cell.n), σ = \(JSONValue.format(cell.sigma)): train.steps \(train), multistart.max_steps "
                        + "\(multistart)"
                )
            }
        }
        return lines
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let runs = settings.cells.flatMap { cell in
            settings.seeds.map { (cell: cell, seed: $0, name: settings.run(cell, seed: $0)) }
        }
        let progress = context.progress("sweep-summary \(settings.sweep) (datasets)", total: runs.count)
        // Parsed once: `context.openInput` parses every --input per call, and a sweep has thousands.
        let paths = try context.inputPaths()
        func open(_ role: String) throws -> HDF5File {
            guard let path = paths[role] else { throw StageFailure("missing --input \(role)=PATH") }
            return try HDF5File.open(path)
        }
        var outcomes: [DatasetOutcome] = []
        for (done, run) in runs.enumerated() {
            outcomes.append(try outcome(of: run.name, cell: run.cell, seed: run.seed, settings: settings, open: open))
            progress.update(done + 1)
        }
        progress.finish()
        let cells = settings.cells.map { cell in
            CellSummary(cell: cell, outcomes: outcomes.filter { $0.n == cell.n && $0.sigma == cell.sigma })
        }
        let artifact = SweepSummaryArtifact(
            sweep: settings.sweep, paperInit: settings.paperInit, datasets: outcomes, cells: cells)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root, tolerance: settings.globalMinimumTolerance, starts: settings.starts)
        try writer.commit()
        if !context.quiet {
            for cell in cells {
                let measures = cell.measures.map { m in
                    let interval =
                        m.value.interval.map { String(format: " [%.2f, %.2f]", $0.lowerBound, $0.upperBound) } ?? ""
                    return "\(m.name) \(m.value.successes)/\(m.value.trials)\(interval)"
                }
                print(
                    "sweep-summary \(settings.sweep) n = \(cell.cell.n), σ = \(JSONValue.format(cell.cell.sigma)): "
                        + "\(cell.datasets) dataset(s); "
                        + measures.joined(separator: "; "))
            }
        }
    }

    /// One dataset's outcome, from its artifacts.
    static func outcome(
        of run: String, cell: Sweep.Cell, seed: Int, settings: Settings,
        open: (String) throws -> HDF5File
    ) throws -> DatasetOutcome {
        let dataset = try DatasetArtifact(reading: try open("\(DatasetStage.name).\(run)"))
        var limits = DatasetOutcome.Limits()
        var coefficient = Double.nan
        if settings.starts > 0 {
            let multistart = try MultiStartArtifact(reading: try open("\(MultiStartStage.name).\(run)"))
            limits = DatasetOutcome.limits(of: multistart, tolerance: settings.globalMinimumTolerance)
            coefficient = multistart.lineCoefficient ?? .nan
        }
        var prediction: InteriorOutcome?
        var reached: InteriorOutcome?
        if settings.paperInit {
            let train = try TrainingArtifact(reading: try open("\(TrainStage.name).\(run)"))
            let line = try LineArtifact(reading: try open("\(LineStage.name).\(run)"))
            let data = dataset.trainingSet(targets: .noisy)
            coefficient = line.coefficient
            prediction = line.prediction.destination
            let known = KnownSets(
                data: data, eta: settings.eta, line: line.line(on: data), lineSegments: line.stableSegments,
                teacher: dataset.teacher, width: train.final.width, refiner: settings.newton.refiner,
                setTolerance: settings.setTolerance)
            reached = DatasetOutcome.outcome(
                final: train.final, gradientNorm: train.curve.gradientNorm.last ?? .infinity, known: known,
                certification: settings.certification, gradientTolerance: settings.gradientTolerance)
        }
        return DatasetOutcome(
            run: run, n: cell.n, sigma: cell.sigma, seed: seed, coefficient: coefficient, starts: limits.starts,
            unconverged: limits.unconverged, unlocated: limits.unlocated, lineCount: limits.lineCount,
            infinityCount: limits.infinityCount, periodicCount: limits.periodicCount, globalCount: limits.globalCount,
            functionCount: limits.functionCount, singleFunction: limits.singleFunction,
            uniqueMinimum: limits.uniqueMinimum, lowestTrainingError: limits.lowestTrainingError,
            prediction: prediction, outcome: reached)
    }
}
