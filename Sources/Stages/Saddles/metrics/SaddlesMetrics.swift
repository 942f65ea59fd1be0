import PipelineEngine

/// What the saddles artifact holds worth comparing (`SaddlesArtifact`): the escape slope.
public enum SaddlesMetrics {
    public static let declared: [MetricDeclaration] = [
        .attribute("measured_slope", "@measured_slope", "measured slope of the escape time against the start's scale"),
        .attribute("predicted_slope", "@predicted_slope", "the slope the linearization predicts"),
        .attribute("discrete_slope", "@discrete_slope", "the slope of the discrete (GD) linearization"),
    ]
}
