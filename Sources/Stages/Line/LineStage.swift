import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore
import Refinement
import Study

/// The best width-1 fit of a run's data and the line L of critical points that embeds it into
/// width 2 (SCIENCE.md, "The embedded one-neuron line"): the coefficient A, the Hessian spectrum
/// along L on a γ grid, where the transverse eigenvalue changes sign (root-finding), the interval
/// where λ_max < 2/η for the run's η (`train.eta`), the GD-stable segments, and the predicted
/// destination of the run's initial point.
///
/// One node per run that trains from the initial point (the line's prediction is for that start).
/// Settings: the `line` section (`LineSettings`), the run's targets and η (`train.eta`) and the
/// eigen section's Newton settings; input `dataset`. Layout: `LineArtifact`.
public enum LineStage: Stage {
    public static let name = "line"
    public static let summary =
        "best width-1 fit, coefficient A, the embedded line's spectrum, sign changes and GD-stable segments"

    public struct Settings: Codable, Equatable, RunSettings {
        public var targets: Targets
        public var eta: Double
        public var line: LineSettings
        public var newton: NewtonSettings
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let settings = Settings(
            targets: .noisy, eta: try config.double("train.eta"), line: try LineSettings(config),
            newton: try NewtonSettings(config))
        return try StudyConfig.of(config).allRuns.filter { $0.sweep?.paperInit ?? true }.map { run in
            run.node(settings, inputs: ["dataset": run.datasetNode])
        }
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let analysis = try settings.line.analysis(of: data, eta: settings.eta, newton: settings.newton)
        let fit = analysis.line.fit
        let prediction = LinePrediction(analysis)
        let writer = try context.makeWriter(stage: name)
        try LineArtifact.write(to: writer.root, analysis: analysis, teacher: dataset.teacher, prediction: prediction)
        try writer.commit()
        if !context.quiet {
            let segments = analysis.stableSegments.map { String(format: "[%.4g, %.4g]", $0.lowerBound, $0.upperBound) }
                .joined(separator: " ∪ ")
            print(
                String(
                    format:
                        "line %@: w* = %.10g, c* = %.10g, E_1 = %.8g, A = %.6g; sign changes at γ = %@; GD-stable (η "
                        + "= "
                        + "%g): %@; paper start: %@",
                    settings.targets.rawValue, fit.w, fit.c, fit.trainingError, analysis.line.coefficient,
                    analysis.signChanges.map { String(format: "%.3g", $0) }.joined(separator: ", "), settings.eta,
                    segments.isEmpty ? "none" : segments, prediction.destination.rawValue))
        }
    }
}

/// The `line` section: the width-1 scan and the γ grid along L. Also read by the multistart stage,
/// which computes the same line with its own η.
public struct LineSettings: Codable, Equatable {
    public var gammaPoints: Int
    public var gammaMargin: Double
    public var scanPoints: Int
    /// [min, max] with 0 < min < max.
    public var scanRange: [Double]

    /// - Throws: `ConfigError` at `line.scan_range` unless it is [min, max] with 0 < min < max.
    public init(_ config: Configuration) throws {
        gammaPoints = try config.int("line.gamma_points")
        gammaMargin = try config.double("line.gamma_margin")
        scanPoints = try config.int("line.scan_points")
        scanRange = try config.doubles("line.scan_range")
        guard scanRange.count == 2, scanRange[0] > 0, scanRange[0] < scanRange[1] else {
            throw config.failure("line.scan_range", "must be [min, max] with 0 < min < max")
        }
    }

    /// The best width-1 fit of `data`, its embedded line and the line's analysis at step η.
    /// - Throws: `StageFailure` when the Hessian along the line is not finite.
    public func analysis(of data: TrainingSet, eta: Double, newton: NewtonSettings) throws -> EmbeddedLineAnalysis {
        let fit = WidthOneFit.fit(
            data, settings: newton.refiner, scanPoints: scanPoints, scanRange: scanRange[0]...scanRange[1])
        let line = EmbeddedLine(fit: fit, data: data)
        do {
            return try EmbeddedLineAnalysis(
                line: line, eta: eta, gridPoints: gammaPoints, gridMargin: gammaMargin,
                tolerance: newton.eigenvalueTolerance)
        } catch {
            throw StageFailure("the Hessian along the embedded line is not finite: \(error)")
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
            reason = String(
                format: "transverse eigenvalue at gamma = 1/2 is %.3g, inside the zero band %.3g", middle,
                analysis.zeroBand)
        case .stays:
            reason = String(
                format:
                    "A = %.4g > 0: the interior 0 < gamma < 1 is a degenerate minimum, GD-stable at gamma = 1/2 "
                    + "(lambda_max = %.4g < 2/eta = %.4g)",
                a, (try? analysis.line.largestEigenvalue(at: 0.5)) ?? .nan, 2 / analysis.eta)
        case .leaves:
            reason =
                middle < 0
                ? String(
                    format:
                        "A = %.4g < 0: the interior 0 < gamma < 1 is an index-1 saddle (transverse eigenvalue %.3g at "
                        + "gamma = 1/2)",
                    a, middle)
                : String(format: "the interior is not GD-stable at eta = %g (lambda_max(1/2) >= 2/eta)", analysis.eta)
        }
    }

    init(destination: InteriorOutcome, reason: String) {
        self.destination = destination
        self.reason = reason
    }
}
