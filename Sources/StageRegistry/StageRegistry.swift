import PipelineCore

/// The stages the driver plans, found by name.
public enum StageRegistry {
    /// Every stage (`allStages`, generated from Package.swift's list of stages).
    public static var stages: [StageDefinition] { allStages }
}
