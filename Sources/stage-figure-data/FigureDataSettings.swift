import PipelineCore

/// The figure-data slice: pipeline.json's `figures` section plus the runs to draw.
struct FigureDataSettings {
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

    /// - Throws: `StageFailure` naming the first missing or invalid key.
    init(_ slice: JSONValue) throws {
        func require<T>(_ value: T?, _ key: String) throws -> T {
            guard let value else { throw StageFailure("slice key '\(key)' is missing or invalid: \(slice[key]?.brief ?? "absent")") }
            return value
        }
        trajectoryMaxPoints = try require(slice["trajectory_max_points"]?.intValue.flatMap { $0 >= 10 ? $0 : nil }, "trajectory_max_points")
        functionGridPoints = try require(slice["function_grid_points"]?.intValue.flatMap { $0 >= 2 ? $0 : nil }, "function_grid_points")
        let range = try require(slice["function_x_range"]?.doublesValue.flatMap { $0.count == 2 && $0[0] < $0[1] ? $0 : nil }, "function_x_range")
        functionXRange = (range[0], range[1])
        planeMargin = try require(slice["plane_margin"]?.doubleValue.flatMap { $0 >= 0 ? $0 : nil }, "plane_margin")
        let runObjects = try require(slice["runs"]?.objectValue.flatMap { $0.isEmpty ? nil : $0 }, "runs")
        runs = try runObjects.map { name, spec in
            Run(name: name, dataset: try require(spec["dataset"]?.stringValue, "runs.\(name).dataset"),
                targets: try require(spec["targets"]?.stringValue, "runs.\(name).targets"))
        }.sorted { ($0.targets == "noisy" ? 0 : 1, $0.name) < ($1.targets == "noisy" ? 0 : 1, $1.name) }
    }
}
