import PipelineCore

/// The figure-data slice: `pipeline.json`'s `figures` section plus the runs to draw.
public struct FigureDataSettings {
    struct Run {
        let name: String
        let dataset: String
        let targets: String
    }

    let trajectoryMaxPoints: Int
    let functionGridPoints: Int
    let functionXRange: (min: Double, max: Double)
    let planeMargin: Double
    /// Noisy runs first (the paper's D_σ before D_0), then by name.
    let runs: [Run]
    /// The sweeps whose summaries are drawn (inputs `sweep.<name>`), sorted.
    let sweeps: [String]
    /// The runs with a node of the related-paper studies (inputs `projected.<run>`, `saddles.<run>`).
    let projectedRuns: [String]
    let saddlesRuns: [String]

    /// - Throws: `ConfigError` naming the first missing or invalid key.
    init(_ slice: SliceReader) throws {
        trajectoryMaxPoints = try slice.int("trajectory_max_points")
        functionGridPoints = try slice.int("function_grid_points")
        let range = try slice.doubles("function_x_range")
        guard range.count == 2, range[0] < range[1] else { throw slice.failure("function_x_range", "must be [min, max] with min < max") }
        functionXRange = (range[0], range[1])
        planeMargin = try slice.double("plane_margin")
        guard let runObjects = slice.value("runs")?.objectValue, !runObjects.isEmpty else {
            throw slice.failure("runs", "at least one run is needed")
        }
        runs = try runObjects.keys.map { name in
            Run(name: name, dataset: try slice.string("runs.\(name).dataset"), targets: try slice.string("runs.\(name).targets"))
        }.sorted { ($0.targets == "noisy" ? 0 : 1, $0.name) < ($1.targets == "noisy" ? 0 : 1, $1.name) }
        sweeps = (slice.value("sweeps")?.arrayValue ?? []).compactMap(\.stringValue)
        projectedRuns = (slice.value("studies.projected")?.arrayValue ?? []).compactMap(\.stringValue)
        saddlesRuns = (slice.value("studies.saddles")?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
