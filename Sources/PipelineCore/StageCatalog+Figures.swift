import Foundation

extension StageCatalog {
    /// Exports exactly the arrays every figure plots, from all runs, into one HDF5 file.
    static let figureData = StageDefinition(
        name: "figure-data", executable: "stage-figure-data", scope: .global,
        summary: "one group per figure with the plotted arrays (label, unit, description on each)",
        sourceTargets: ["stage-figure-data", "Artifacts", "MLPNumerics"], formatVersion: 1,
        validate: { document in
            let range = document["figures"]?["function_x_range"]?.doublesValue ?? [-3.5, 3.5]
            if range.count == 2, !(range[0] < range[1]) {
                throw ConfigError(path: "figures.function_x_range", value: document["figures"]?["function_x_range"]?.brief,
                                  message: "must be [min, max] with min < max")
            }
        },
        node: { config, _ in
            var slice = config.section("figures").objectValue ?? [:]
            var runs: [String: JSONValue] = [:]
            var inputs: [String: NodeID] = [:]
            for (name, run) in config.runs {
                runs[name] = .object(["dataset": .string(run.dataset), "targets": .string(run.targets)])
                inputs["train.\(name)"] = NodeID(stage: "train", instance: name)
                inputs["dataset.\(name)"] = NodeID(stage: "dataset", instance: run.dataset)
                for stage in ["eigen", "phases", "multistart"] {
                    inputs["\(stage).\(name)"] = NodeID(stage: stage, instance: name)
                }
            }
            slice["runs"] = .object(runs)
            return (.object(slice), inputs)
        }
    )

    /// Draws the figures from the figure-data file with matplotlib (scripts/render_figures.py).
    static let render = StageDefinition(
        name: "render", executable: "stage-render", scope: .global,
        summary: "PNG/PDF figures in <store>/figures/ and per-panel CSV files in <store>/figures/csv/",
        sourceTargets: ["stage-render"], formatVersion: 1, sourceFiles: ["scripts/render_figures.py"],
        validate: { document in
            let formats = document["render"]?["formats"]?.arrayValue ?? []
            if Set(formats.map(\.canonical)).count != formats.count {
                throw ConfigError(path: "render.formats", value: document["render"]?["formats"]?.brief,
                                  message: "lists a format twice")
            }
        },
        node: { config, _ in
            (config.section("render"), ["figure_data": NodeID(stage: "figure-data", instance: "")])
        }
    )
}
