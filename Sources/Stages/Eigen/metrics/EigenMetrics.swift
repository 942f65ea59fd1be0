import PipelineEngine

/// What the eigen artifact holds worth comparing: the attractor, the run's final point refined
/// (`critical/final`, a `CriticalPointRecord`).
public enum EigenMetrics {
    public static let declared: [MetricDeclaration] = [
        .attribute("attractor_E_tr", "critical/final@E_tr", "training error of the refined final point"),
        .attribute("attractor_E_gen", "critical/final@E_gen", "generalization error of the refined final point"),
        .attribute("attractor_index", "critical/final@index", "Hessian index of the refined final point"),
        .attribute("attractor_label", "critical/final@label", "what the refined final point is"),
    ]
}
