import DynamicsAnalysis
import MLPNumerics
import PipelineCore

/// The Newton settings every stage that refines critical points shares; they live in the `eigen`
/// section of `pipeline.json`.
public struct NewtonSettings: Codable, Equatable, Sendable {
    /// Newton stops (converged) when ‖∇E_tr‖ is below this (`eigen.newton_tolerance`).
    public var newtonTolerance: Double
    public var newtonMaxIterations: Int
    /// Eigenvalues within this relative band of zero count as zero (`eigen.zero_tolerance_relative`).
    public var zeroToleranceRelative: Double

    public init(newtonTolerance: Double, newtonMaxIterations: Int, zeroToleranceRelative: Double) {
        self.newtonTolerance = newtonTolerance
        self.newtonMaxIterations = newtonMaxIterations
        self.zeroToleranceRelative = zeroToleranceRelative
    }

    /// The `eigen` section's Newton settings.
    public init(_ config: Configuration) throws {
        self.init(
            newtonTolerance: try config.double("eigen.newton_tolerance"),
            newtonMaxIterations: try config.int("eigen.newton_max_iterations"),
            zeroToleranceRelative: try config.double("eigen.zero_tolerance_relative"))
    }

    public var eigenvalueTolerance: EigenvalueTolerance { EigenvalueTolerance(relative: zeroToleranceRelative) }

    /// The refiner these settings configure (the library's defaults for the line search).
    public var refiner: CriticalPointRefinerSettings {
        CriticalPointRefinerSettings(
            gradientTolerance: newtonTolerance, maxIterations: newtonMaxIterations,
            eigenvalueTolerance: eigenvalueTolerance)
    }

    /// The distance within which a refined point is projected onto a known set (`eigen.set_tolerance`).
    public static func setTolerance(_ config: Configuration) throws -> Double {
        try config.double("eigen.set_tolerance")
    }
}

extension CertificationSettings {
    /// The multistart section's early-stop certificate (`multistart.certify_*`): when a limit set
    /// counts as certain, for the multistart stage's starts and for a run's final point.
    public init(_ config: Configuration) throws {
        self.init(
            gradient: try config.double("multistart.certify_gradient"),
            energyGap: try config.double("multistart.certify_energy_gap"),
            lineMargin: try config.double("multistart.certify_line_margin"),
            pathSamples: try config.int("multistart.certify_path_samples"))
    }
}

extension PhaseDetectionSettings {
    /// The `phases` section's detector settings (also used by the saddles stage on its own runs).
    public init(_ config: Configuration) throws {
        self.init(
            slopeWindowDecades: try config.double("phases.slope_window_decades"),
            fastDropSlope: try config.double("phases.fast_drop_slope"),
            gradientTolerance: try config.double("phases.gradient_tolerance"),
            minimumSegmentPoints: try config.int("phases.minimum_segment_points"))
    }
}
