/// The analysis stages: Hessian spectra, phases, and multistart.
extension StageCatalog {
    static let analysisSources = ["Artifacts", "MLPNumerics", "DynamicsAnalysis", "LinearAlgebra"]

    /// The Newton settings of the eigen section, which every stage that refines critical points uses.
    static func refineSettings(_ config: PipelineConfig) -> JSONValue {
        let eigen = config.section("eigen")
        var refine: [String: JSONValue] = [:]
        for key in ["newton_tolerance", "newton_max_iterations", "zero_tolerance_relative"] { refine[key] = eigen[key] }
        return .object(refine)
    }

    /// Hessian spectra along a run's log grid, its refined final point, and region checks.
    static let eigen = StageDefinition(
        name: "eigen", executable: "stage-eigen", scope: .run,
        summary: "Hessian spectrum, index, alignment and stability along the log grid; refined final critical point; region checks",
        sourceTargets: ["stage-eigen"] + analysisSources, formatVersion: 1,
        validate: { document in
            let width = document["train"]?["width"]?.intValue ?? 2
            if let depth = document["eigen"]?["alignment_depth"]?.intValue, depth > 2 * width {
                throw ConfigError(path: "eigen.alignment_depth", value: JSONValue.number(Double(depth)).brief,
                                  message: "exceeds the parameter dimension 2·train.width = \(2 * width)")
            }
        },
        node: { config, run in
            let spec = config.runs[run]!
            var slice = config.section("eigen").objectValue ?? [:]
            slice["targets"] = .string(spec.targets)
            return (.object(slice), ["dataset": NodeID(stage: "dataset", instance: spec.dataset),
                                     "train": NodeID(stage: "train", instance: run)])
        }
    )

    /// The learning curve cut into phases, with one refined critical point per phase.
    static let phases = StageDefinition(
        name: "phases", executable: "stage-phases", scope: .run,
        summary: "phase segments, t*, escapes, convergence time and the saddles passed (refined per segment)",
        sourceTargets: ["stage-phases"] + analysisSources, formatVersion: 1,
        validate: { _ in },
        node: { config, run in
            let spec = config.runs[run]!
            var slice = config.section("phases").objectValue ?? [:]
            slice["targets"] = .string(spec.targets)
            // The Newton settings matter only when representatives are refined.
            if slice["refine_representatives"]?.boolValue ?? true { slice["refine"] = refineSettings(config) }
            return (.object(slice), ["dataset": NodeID(stage: "dataset", instance: spec.dataset),
                                     "train": NodeID(stage: "train", instance: run),
                                     "eigen": NodeID(stage: "eigen", instance: run)])
        }
    )

    /// Many seeded random starts trained to convergence; limits clustered modulo symmetry.
    static let multistart = StageDefinition(
        name: "multistart", executable: "stage-multistart", scope: .run,
        summary: "GD from N random starts to convergence; limits clustered modulo symmetry, each cluster refined",
        sourceTargets: ["stage-multistart"] + analysisSources, formatVersion: 1,
        validate: { document in
            let width = document["train"]?["width"]?.intValue ?? 2
            if width > 7 {
                throw ConfigError(path: "train.width", value: JSONValue.number(Double(width)).brief,
                                  message: "the multistart stage clusters modulo symmetry by enumerating m! permutations; it needs width ≤ 7")
            }
            let multistart = document["multistart"] ?? .object([:])
            if let interval = multistart["check_interval"]?.intValue, let budget = multistart["max_steps"]?.intValue, interval > budget {
                throw ConfigError(path: "multistart.check_interval", value: JSONValue.number(Double(interval)).brief,
                                  message: "exceeds multistart.max_steps = \(budget)")
            }
        },
        node: { config, run in
            let spec = config.runs[run]!
            var slice = config.section("multistart").objectValue ?? [:]
            slice["targets"] = .string(spec.targets)
            slice["width"] = config.section("train")["width"] ?? .number(2)
            slice["refine"] = refineSettings(config)
            return (.object(slice), ["dataset": NodeID(stage: "dataset", instance: spec.dataset)])
        }
    )
}
