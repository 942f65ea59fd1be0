import PipelineEngine

/// What the multistart artifact holds worth comparing (`MultiStartArtifact`): each limit function's
/// basin fraction with its Wilson interval and its errors.
public enum MultiStartMetrics {
    public static let declared: [MetricDeclaration] = [
        .elements(
            "basin_fraction", "functions/basin_fraction", "fraction of starts reaching each limit function",
            low: "functions/wilson_low", high: "functions/wilson_high", labels: ["functions/kind"]),
        .elements(
            "function_E_tr", "functions/E_tr", "training error of each limit function", labels: ["functions/kind"]),
        .elements(
            "function_E_gen", "functions/E_gen", "generalization error of each limit function",
            labels: ["functions/kind"]),
        .attribute(
            "unconverged", "@unconverged_count", "starts that did not converge",
            low: "@unconverged_wilson_low", high: "@unconverged_wilson_high"),
        .attribute("function_count", "@function_count", "distinct limit functions"),
    ]
}
