import PipelineCore
import Study

/// The figure-data stage's settings: the `figures` section plus the runs to draw and the sweeps
/// and related-paper studies to include.
public struct FigureDataSettings: Codable, Equatable {
    /// A run as the figures name it: which dataset and which targets.
    public struct Run: Codable, Equatable {
        public let name: String
        public let dataset: String
        public let targets: Targets
    }

    public var trajectoryMaxPoints: Int
    public var functionGridPoints: Int
    /// [min, max] with min < max.
    public var functionXRange: [Double]
    public var planeMargin: Double
    /// Noisy runs first (the paper's D_σ before D_0), then by name.
    public var runs: [Run]
    /// The sweeps whose summaries are drawn (inputs `sweep.<name>`), sorted.
    public var sweeps: [String]
    /// The runs with a node of the related-paper studies (inputs `projected.<run>`, `saddles.<run>`).
    public var projectedRuns: [String]
    public var saddlesRuns: [String]
    /// The runs of the richer study (inputs `richer.<run>`).
    public var richerRuns: [String]

    var functionRange: (min: Double, max: Double) { (functionXRange[0], functionXRange[1]) }

    /// - Throws: `ConfigError` at `figures.function_x_range` unless it is [min, max] with min < max.
    init(
        _ config: Configuration, study: StudyConfig, projectedRuns: [String], saddlesRuns: [String],
        richerRuns: [String]
    ) throws {
        trajectoryMaxPoints = try config.int("figures.trajectory_max_points")
        functionGridPoints = try config.int("figures.function_grid_points")
        functionXRange = try config.doubles("figures.function_x_range")
        guard functionXRange.count == 2, functionXRange[0] < functionXRange[1] else {
            throw config.failure("figures.function_x_range", "must be [min, max] with min < max")
        }
        planeMargin = try config.double("figures.plane_margin")
        runs = study.ownRuns.map { Run(name: $0.name, dataset: $0.dataset, targets: $0.targets) }
            .sorted { ($0.targets == .noisy ? 0 : 1, $0.name) < ($1.targets == .noisy ? 0 : 1, $1.name) }
        sweeps = study.sweeps.keys.sorted()
        self.projectedRuns = projectedRuns
        self.saddlesRuns = saddlesRuns
        self.richerRuns = richerRuns
    }
}
