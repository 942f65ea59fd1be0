import PipelineEngine

/// What a training run's artifact holds worth comparing (`TrainingArtifact`'s root attributes).
public enum TrainMetrics {
    public static let declared: [MetricDeclaration] = [
        .attribute("final_E_tr", "@final_E_tr", "training error at the last step"),
        .attribute("final_E_gen", "@final_E_gen", "generalization error at the last step"),
        .attribute("final_grad_norm", "@final_grad_norm", "|grad E_tr| at the last step"),
    ]
}
