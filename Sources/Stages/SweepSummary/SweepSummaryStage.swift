import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Aggregates one sweep (Theorem 3.1 as a measured probability): per (n, σ) cell, the fraction of
/// datasets whose limits form a single limit function, the fraction whose lowest-E_tr limits are
/// one point modulo symmetry (the theorem as stated), the fraction of starts reaching the lowest
/// E_tr found on their dataset, the embedded line's basin split by the sign of A, the unconverged
/// fraction, the distribution of A, and how often the line's prediction for the initial point
/// agrees with where its training run ended — each with a 95 % Wilson interval.
///
/// Scope: one node per sweep. Slice: the sweep's entry of `sweeps` plus `eta` (`train.eta`: the
/// training runs' step, for the line's GD-stable segments), `refine` (the eigen section's Newton
/// settings and `set_tolerance`), `certify` (the multistart section's `certify_*`) and
/// `gradient_tolerance` (`multistart.gradient_tolerance`: a training run whose final gradient is
/// below it has converged). Inputs per run `<run>` of the sweep: `dataset.<run>`, and
/// `train.<run>` and `line.<run>` with `paper_init`, `multistart.<run>` with starts. Layout:
/// `SweepSummaryArtifact`.
public enum SweepSummaryStage: Stage {
    public static let name = "sweep-summary"
    public static let scope = StageScope.sweep
    public static let summary = "per (n, σ) cell of a sweep: single limit function, unique minimum, global-minimum and line-basin fractions, A, prediction vs outcome (Wilson intervals)"
    public static let configSection: String? = nil
    public static let sliceOrigins = ["sweep": "sweeps.*", "eta": "train.eta", "refine": "eigen", "certify": "multistart",
                                      "gradient_tolerance": "multistart.gradient_tolerance"]
    public static let sourcePaths = ["Sources/Stages/SweepSummary", "Sources/Stages/Line/LineArtifact.swift", "Sources/Stages/Line/LineStage.swift",
                                     "Sources/Stages/MultiStart/MultiStartArtifact.swift"] + Refinement.analysisSources

    public struct Settings {
        let sweep: Sweep
        let tolerance: Double
        let eta: Double
        let gradientTolerance: Double
        let refiner: CriticalPointRefinerSettings
        let setTolerance: Double
        let certification: CertificationSettings
    }

    /// The per-run stages a sweep's summary reads, by whether the sweep trains from the initial
    /// point and has starts.
    static func inputStages(_ sweep: Sweep) -> [String] {
        [DatasetStage.name] + (sweep.paperInit ? [TrainStage.name, LineStage.name] : []) + (sweep.starts > 0 ? [MultiStartStage.name] : [])
    }

    public static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec {
        let multistart = config.section(MultiStartStage.name)
        let slice: JSONValue = .object([
            "sweep": config.section("sweeps")[instance] ?? .null,
            "eta": config.section(TrainStage.name)["eta"] ?? .null,
            "refine": Refinement.slice(config),
            "certify": .object(Dictionary(uniqueKeysWithValues: MultiStartStage.certificateKeys.map { ($0, multistart[$0] ?? .null) })),
            "gradient_tolerance": multistart["gradient_tolerance"] ?? .null,
        ])
        var inputs: [String: NodeID] = [:]
        let stages = inputStages(config.sweeps[instance]!)
        for run in config.runs(ofSweep: instance) {
            for stage in stages {
                inputs["\(stage).\(run.name)"] = NodeID(stage: stage, instance: run.name)
            }
        }
        return NodeSpec(slice: slice, inputs: inputs)
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        guard let instance = slice.instance, let spec = slice.value("sweep") else {
            throw slice.failure("sweep", "the summary needs its sweep's entry")
        }
        _ = try slice.checked("sweep")
        return Settings(sweep: try Sweep(name: instance, spec: spec), tolerance: try slice.double("sweep.global_minimum_tolerance"),
                        eta: try slice.double("eta"), gradientTolerance: try slice.double("gradient_tolerance"),
                        refiner: try Refinement.settings(slice, prefix: "refine."),
                        setTolerance: try Refinement.setTolerance(slice, prefix: "refine."),
                        certification: try Refinement.certification(slice, prefix: "certify."))
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let sweep = settings.sweep
        let runs = sweep.cells.flatMap { cell in sweep.seeds.map { (cell: cell, seed: $0, name: sweep.instance(cell, seed: $0)) } }
        let progress = context.progress("sweep-summary \(sweep.name) (datasets)", total: runs.count)
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
        let cells = sweep.cells.map { cell in CellSummary(cell: cell, outcomes: outcomes.filter { $0.n == cell.n && $0.sigma == cell.sigma }) }
        let artifact = SweepSummaryArtifact(sweep: sweep.name, paperInit: sweep.paperInit, datasets: outcomes, cells: cells)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root, tolerance: settings.tolerance, starts: sweep.starts)
        try writer.commit()
        if !context.quiet {
            for cell in cells {
                let measures = cell.measures.map { m in
                    let interval = m.value.interval.map { String(format: " [%.2f, %.2f]", $0.lowerBound, $0.upperBound) } ?? ""
                    return "\(m.name) \(m.value.successes)/\(m.value.trials)\(interval)"
                }
                print("sweep-summary \(sweep.name) n = \(cell.cell.n), σ = \(JSONValue.format(cell.cell.sigma)): \(cell.datasets) dataset(s); "
                    + measures.joined(separator: "; "))
            }
        }
    }

    /// One dataset's outcome, from its artifacts.
    static func outcome(of run: String, cell: Sweep.Cell, seed: Int, settings: Settings,
                        open: (String) throws -> HDF5File) throws -> DatasetOutcome {
        let dataset = try DatasetArtifact(reading: try open("\(DatasetStage.name).\(run)"))
        var limits = DatasetOutcome.Limits()
        var coefficient = Double.nan
        if settings.sweep.starts > 0 {
            let multistart = try MultiStartArtifact(reading: try open("\(MultiStartStage.name).\(run)"))
            limits = DatasetOutcome.limits(of: multistart, tolerance: settings.tolerance)
            coefficient = multistart.lineCoefficient ?? .nan
        }
        var prediction: InteriorOutcome?
        var reached: InteriorOutcome?
        if settings.sweep.paperInit {
            let train = try TrainingArtifact(reading: try open("\(TrainStage.name).\(run)"))
            let line = try LineArtifact(reading: try open("\(LineStage.name).\(run)"))
            let data = dataset.trainingSet(targets: "noisy")
            coefficient = line.coefficient
            prediction = line.prediction.destination
            let known = KnownSets(data: data, eta: settings.eta, line: line.line(on: data), lineSegments: line.stableSegments,
                                  teacher: dataset.teacher, width: train.final.width, refiner: settings.refiner,
                                  setTolerance: settings.setTolerance)
            reached = DatasetOutcome.outcome(final: train.final, gradientNorm: train.curve.gradientNorm.last ?? .infinity, known: known,
                                             certification: settings.certification, gradientTolerance: settings.gradientTolerance)
        }
        return DatasetOutcome(run: run, n: cell.n, sigma: cell.sigma, seed: seed, coefficient: coefficient, starts: limits.starts,
                              unconverged: limits.unconverged, unlocated: limits.unlocated, lineCount: limits.lineCount,
                              infinityCount: limits.infinityCount, periodicCount: limits.periodicCount, globalCount: limits.globalCount,
                              functionCount: limits.functionCount, singleFunction: limits.singleFunction,
                              uniqueMinimum: limits.uniqueMinimum, lowestTrainingError: limits.lowestTrainingError,
                              prediction: prediction, outcome: reached)
    }
}
