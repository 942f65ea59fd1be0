import PipelineCore

/// Which runs a related-paper study (`projected`, `saddles`) is made for: the runs of `runs` whose
/// targets its section's `run_targets` lists (the schema's default: the noisy ones, whose
/// trajectory is the paper's), never a sweep's. The list selects nodes and is not in any slice, so
/// widening it adds nodes without touching the existing ones' keys.
enum StudyRuns {
    static func applies(_ stage: String, to run: PipelineConfig.Run, in config: PipelineConfig) -> Bool {
        guard run.sweep == nil else { return false }
        let targets = config.section(stage)["run_targets"]?.arrayValue?.compactMap(\.stringValue) ?? ["noisy"]
        return targets.contains(run.targets)
    }

    /// The run names `stage` has nodes for, sorted.
    static func names(_ stage: String, in config: PipelineConfig) -> [String] {
        config.runs.values.filter { applies(stage, to: $0, in: config) }.map(\.name).sorted()
    }
}
