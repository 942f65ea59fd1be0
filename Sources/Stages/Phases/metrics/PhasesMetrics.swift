import PipelineEngine

/// What the phases artifact holds worth comparing (`PhasesArtifact`): early stopping, the escapes
/// between saddles, where the run ends.
public enum PhasesMetrics {
    public static let declared: [MetricDeclaration] = [
        .attribute("t_star", "@t_star", "early-stopping time t* (smallest E_gen)"),
        .attribute("E_gen_star", "@E_gen_star", "E_gen(t*)"),
        .attribute("convergence_time", "@convergence_time", "time the run settles at its limit"),
        .attribute("destination", "@destination", "where the run ends"),
        .elements(
            "escape_t", "escapes/t", "time of each escape, from one Hessian index to another",
            labels: ["escapes/from_index", "escapes/to_index"]),
    ]
}
