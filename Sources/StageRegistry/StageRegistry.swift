import PipelineCore
import PipelineEngine

/// The stages the driver plans, found by name.
public enum StageRegistry {
    /// Every stage (`allStages`, generated from Package.swift's list of stages).
    public static var stages: [StageDefinition] { allStages }
    /// What each stage declares worth comparing, by stage name (`allMetrics`, generated likewise).
    public static var metrics: [String: [MetricDeclaration]] { allMetrics }
}
