import PipelineEngine

/// What the projected artifact holds worth comparing (`ProjectedArtifact`'s `ratios`): per
/// experiment, the final excess of the dominant and bulk variants over the plain one's.
public enum ProjectedMetrics {
    public static let declared: [MetricDeclaration] = [
        .elements(
            "ratio_to_plain", "ratios/ratio_to_plain",
            "final excess E_tr over the plain variant's (rows: experiments; columns: plain, dominant, bulk)",
            labels: ["ratios/method", "ratios/t0", "ratios/eta"]),
        .elements(
            "late_chi", "ratios/late_chi", "alignment chi_k of the gradient over the plain branch's last decade",
            labels: ["ratios/method", "ratios/t0", "ratios/eta"]),
    ]
}
