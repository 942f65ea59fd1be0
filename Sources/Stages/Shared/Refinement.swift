import DynamicsAnalysis
import MLPNumerics
import PipelineCore

/// The Newton settings every stage that refines critical points shares; they live in the `eigen`
/// section of `pipeline.json`.
enum Refinement {
    /// The code every stage that analyses critical points runs: the shared records, the layouts of
    /// its dataset and training inputs, and the numerical libraries.
    static let analysisSources = ["Sources/Stages/Shared", "Sources/Stages/Dataset/DatasetArtifact.swift",
                                  "Sources/Stages/Train/TrainingArtifact.swift", "Sources/MLPNumerics", "Sources/CVectorMath", "Sources/DynamicsAnalysis",
                                  "Sources/LinearAlgebra"]

    static let keys = ["newton_tolerance", "newton_max_iterations", "zero_tolerance_relative", "set_tolerance"]

    /// The eigen section's Newton settings, as a slice member (`refine`).
    static func slice(_ config: PipelineConfig) -> JSONValue {
        let eigen = config.section(EigenStage.name)
        return .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, eigen[$0] ?? .null) }))
    }

    /// Decodes the settings found under `prefix` (`""` in the eigen slice, `"refine."` elsewhere).
    static func settings(_ slice: SliceReader, prefix: String) throws -> CriticalPointRefinerSettings {
        CriticalPointRefinerSettings(
            gradientTolerance: try slice.double(prefix + "newton_tolerance"),
            maxIterations: try slice.int(prefix + "newton_max_iterations"),
            eigenvalueTolerance: EigenvalueTolerance(relative: try slice.double(prefix + "zero_tolerance_relative")))
    }

    /// The distance within which a refined point is projected onto a known set (`set_tolerance`).
    static func setTolerance(_ slice: SliceReader, prefix: String) throws -> Double {
        try slice.double(prefix + "set_tolerance")
    }

    /// The multistart section's early-stop certificate settings found under `prefix` (`""` in
    /// the multistart slice, `"certify."` where another stage carries them).
    static func certification(_ slice: SliceReader, prefix: String) throws -> CertificationSettings {
        CertificationSettings(gradient: try slice.double(prefix + "certify_gradient"), energyGap: try slice.double(prefix + "certify_energy_gap"),
                              lineMargin: try slice.double(prefix + "certify_line_margin"), pathSamples: try slice.int(prefix + "certify_path_samples"))
    }
}

extension CriticalPointRecord {
    /// The record of a limit point located on its set.
    init(label: String, limit: LimitPoint, data: TrainingSet, teacher: Network) {
        self.init(label: label, point: limit.point, eigenvalues: limit.eigenvalues, index: limit.index, zeroCount: limit.zeroCount,
                  gradientNorm: limit.gradientNorm, converged: limit.converged, iterations: limit.iterations,
                  reason: limit.converged ? "converged (\(limit.method))" : "not converged (\(limit.method))", data: data, teacher: teacher)
        limitSet = limit.kind.rawValue
        gamma = limit.gamma
        gammaStable = limit.gammaStable
    }

    /// The record of a refinement's outcome.
    init(label: String, refinement: CriticalPointRefinement, data: TrainingSet, teacher: Network) {
        self.init(label: label, point: Network(flat: refinement.point), eigenvalues: refinement.analysis?.spectrum.values ?? [],
                  index: refinement.analysis?.index ?? -1, zeroCount: refinement.analysis?.zeroCount ?? -1,
                  gradientNorm: refinement.gradientNorm, converged: refinement.converged, iterations: refinement.iterations,
                  reason: refinement.reason.rawValue, data: data, teacher: teacher)
    }
}
