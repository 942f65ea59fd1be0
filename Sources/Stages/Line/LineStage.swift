import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// The best width-1 fit of a run's data and the line L of critical points that embeds it into
/// width 2 (SCIENCE.md, "The embedded one-neuron line"): the coefficient A, the Hessian spectrum
/// along L on a γ grid, where the transverse eigenvalue changes sign (root-finding), the interval
/// where λ_max < 2/η for the run's η (`train.eta`), the GD-stable segments, and the predicted
/// destination of the run's initial point.
///
/// Slice: the `line` section plus the run's `targets`, `eta` (`train.eta`) and `refine` (the eigen
/// section's Newton settings); input `dataset`. Layout: `LineArtifact`.
public enum LineStage: Stage {
    public static let name = "line"
    public static let scope = StageScope.run
    public static let summary = "best width-1 fit, coefficient A, the embedded line's spectrum, sign changes and GD-stable segments"
    public static let sliceOrigins = ["targets": "runs.*.targets", "eta": "train.eta", "refine": "eigen"]
    public static let sourcePaths = ["Sources/Stages/Line"] + Refinement.analysisSources

    /// Every run of `runs`; a sweep's run when the sweep trains from the initial point (the line's
    /// prediction is for that start).
    public static func applies(to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool { run.sweep?.paperInit ?? true }

    public struct Settings {
        let targets: String
        let eta: Double
        let gammaPoints: Int
        let gammaMargin: Double
        let scanPoints: Int
        let scanRange: ClosedRange<Double>
        let refiner: CriticalPointRefinerSettings
    }

    public static func node(_ config: PipelineConfig, instance run: String) throws -> NodeSpec {
        let spec = config.run(run)!
        var slice = config.section(name).objectValue ?? [:]
        slice["targets"] = .string(spec.targets)
        slice["eta"] = config.section(TrainStage.name)["eta"]
        // The line's fit uses the Newton settings, not the set tolerance.
        var refine = Refinement.slice(config).objectValue ?? [:]
        refine["set_tolerance"] = nil
        slice["refine"] = .object(refine)
        return NodeSpec(slice: .object(slice), inputs: ["dataset": NodeID(stage: DatasetStage.name, instance: spec.dataset)])
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        Settings(targets: try slice.string("targets"), eta: try slice.double("eta"),
                        gammaPoints: try slice.int("gamma_points"), gammaMargin: try slice.double("gamma_margin"),
                        scanPoints: try slice.int("scan_points"), scanRange: try scanRange(slice, key: "scan_range"),
                        refiner: try Refinement.settings(slice, prefix: "refine."))
    }

    /// `line.scan_range` checked: `[min, max]` with `0 < min < max` (also read by the multistart stage).
    static func scanRange(_ slice: SliceReader, key: String) throws -> ClosedRange<Double> {
        let range = try slice.doubles(key)
        guard range.count == 2, range[0] > 0, range[0] < range[1] else {
            throw slice.failure(key, "must be [min, max] with 0 < min < max")
        }
        return range[0]...range[1]
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let fit = WidthOneFit.fit(data, settings: settings.refiner, scanPoints: settings.scanPoints, scanRange: settings.scanRange)
        let line = EmbeddedLine(fit: fit, data: data)
        let analysis: EmbeddedLineAnalysis
        do {
            analysis = try EmbeddedLineAnalysis(line: line, eta: settings.eta, gridPoints: settings.gammaPoints,
                                                gridMargin: settings.gammaMargin, tolerance: settings.refiner.eigenvalueTolerance)
        } catch {
            throw StageFailure("the Hessian along the embedded line is not finite: \(error)")
        }
        let prediction = LinePrediction(analysis)
        let writer = try context.makeWriter(stage: name)
        try LineArtifact.write(to: writer.root, analysis: analysis, teacher: dataset.teacher, prediction: prediction)
        try writer.commit()
        if !context.quiet {
            let segments = analysis.stableSegments.map { String(format: "[%.4g, %.4g]", $0.lowerBound, $0.upperBound) }.joined(separator: " ∪ ")
            print(String(format: "line %@: w* = %.10g, c* = %.10g, E_1 = %.8g, A = %.6g; sign changes at γ = %@; GD-stable (η = %g): %@; paper start: %@",
                         settings.targets, fit.w, fit.c, fit.trainingError, line.coefficient,
                         analysis.signChanges.map { String(format: "%.3g", $0) }.joined(separator: ", "), settings.eta,
                         segments.isEmpty ? "none" : segments, prediction.destination.rawValue))
        }
    }
}

/// Where the run's initial point should end, from the line's structure alone
/// (`EmbeddedLineAnalysis.predictedOutcome`): the paper's start passes close to the interior of L
/// (γ ≈ 1/2 of the image w_1 = −w_2) during its near-optimal stretch; it stays there when the
/// interior is GD-stable (A > 0) and leaves it when the interior is a saddle (A < 0).
public struct LinePrediction: Equatable {
    public let destination: InteriorOutcome
    /// Why, in words.
    public let reason: String

    init(_ analysis: EmbeddedLineAnalysis) {
        let middle = (try? analysis.line.transverseEigenvalue(at: 0.5)) ?? .nan
        let a = analysis.line.coefficient
        destination = analysis.predictedOutcome
        switch destination {
        case .notApplicable:
            reason = String(format: "transverse eigenvalue at gamma = 1/2 is %.3g, inside the zero band %.3g", middle, analysis.zeroBand)
        case .stays:
            reason = String(format: "A = %.4g > 0: the interior 0 < gamma < 1 is a degenerate minimum, GD-stable at gamma = 1/2 (lambda_max = %.4g < 2/eta = %.4g)",
                            a, (try? analysis.line.largestEigenvalue(at: 0.5)) ?? .nan, 2 / analysis.eta)
        case .leaves:
            reason = middle < 0
                ? String(format: "A = %.4g < 0: the interior 0 < gamma < 1 is an index-1 saddle (transverse eigenvalue %.3g at gamma = 1/2)", a, middle)
                : String(format: "the interior is not GD-stable at eta = %g (lambda_max(1/2) >= 2/eta)", analysis.eta)
        }
    }

    init(destination: InteriorOutcome, reason: String) {
        self.destination = destination
        self.reason = reason
    }
}
