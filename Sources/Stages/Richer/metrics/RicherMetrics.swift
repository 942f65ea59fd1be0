import PipelineEngine

/// What the richer artifact holds worth comparing (`RicherArtifact`): how often the scheme appears per
/// method with its Wilson interval, and the fits the scheme is read against.
public enum RicherMetrics {
    public static let declared: [MetricDeclaration] = [
        .elements(
            "scheme_fraction", "summary/scheme_fraction", "fraction of starts showing the saddle-saddle-attractor",
            low: "summary/wilson_low", high: "summary/wilson_high", labels: ["summary/method"]),
        .attribute("fit_E_gen", "fits/teacher_width@E_gen", "E_gen of the best fit of the teacher's width"),
        .attribute("width1_E_gen", "fits/width1@E_gen", "E_gen of the best width-1 fit"),
        .attribute("narrower_E_tr", "fits/narrower@E_tr", "E_tr of the best width-(m-1) fit"),
    ]
}
