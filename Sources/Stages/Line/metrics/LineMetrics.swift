import PipelineEngine

/// What the embedded line's artifact holds worth comparing (`LineArtifact`'s root attributes).
public enum LineMetrics {
    public static let declared: [MetricDeclaration] = [
        .attribute("A", "@A", "the coefficient A whose sign decides the line's stability"),
        .attribute("w_star", "@w_star", "w* of the width-one fit"),
        .attribute("E_tr", "@E_tr", "training error of the width-one fit (E_1)"),
        .attribute("E_gen", "@E_gen", "generalization error of the width-one fit"),
        .attribute("prediction", "@prediction", "the destination the sign of A predicts for a start near L"),
        .attribute("stable_gamma_low", "@stable_interval_low", "lower end of L's stable interval of gamma"),
        .attribute("stable_gamma_high", "@stable_interval_high", "upper end of L's stable interval of gamma"),
    ]
}
