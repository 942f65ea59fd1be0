import PipelineEngine

/// What a sweep summary holds worth comparing (`SweepSummaryArtifact`'s `cells`): each cell's
/// fractions with their intervals, for the measures of `CellSummary.measures`.
public enum SweepSummaryMetrics {
    static let measures = [
        "single_function", "unique_minimum", "global_minimum", "line_basin_negative_A", "line_basin_positive_A",
        "at_infinity", "periodic_orbit", "unconverged", "unlocated", "positive_A", "prediction_agrees",
    ]

    public static let declared: [MetricDeclaration] = measures.map { name in
        .elements(
            name, "cells/\(name)", "fraction per cell (n, sigma): \(name)", low: "cells/\(name)_low",
            high: "cells/\(name)_high", labels: ["cells/n", "cells/sigma"])
    }
}
