import DynamicsAnalysis
import HDF5Kit
import Phases
import Train

/// Figure "learning_curves": per run, E_tr and E_gen against t (log–log; t = 0 is left out), the
/// detected phase segments, and the early-stopping point t* = argmin E_gen.
enum LearningCurvesFigure {
    static func write(_ runs: [RunInputs], into root: HDF5Group) throws {
        let figure = try root.createPanel("learning_curves", title: "Learning curves")
        try figure.setAttribute("runs", .string(runs.map(\.run.name).joined(separator: ",")))
        for inputs in runs {
            let curve = try TrainingArtifact(reading: inputs.train).curve
            let keep = curve.t.indices.filter { curve.t[$0] > 0 }
            let panel = try figure.createPanel(inputs.run.name, title: inputs.title)
            try panel.writeArray("t", keep.map { Double(curve.t[$0]) }, Meta.time)
            try panel.writeArray("E_tr", keep.map { curve.trainingError[$0] }, Meta.trainingError(inputs.run.name))
            try panel.writeArray(
                "E_gen", keep.map { curve.generalizationError[$0] }, Meta.generalizationError(inputs.run.name))
            try writePhases(try PhasesArtifact(reading: inputs.phases), into: panel)
        }
    }

    /// "near the embedded line: γ ≈ 0.52; index 1" when the segment's refined representative lies
    /// on L (or "near M: index 0" on M); "" otherwise (no commas: the text also goes to CSV).
    static func note(_ phases: PhasesArtifact, segment: Int) -> String {
        guard let record = phases.representatives.first(where: { $0.segment == segment })?.record, record.converged
        else { return "" }
        switch record.limitSet {
        case LimitSetKind.embeddedLine.rawValue:
            return
                "near the embedded line: $\\gamma \\approx$ \(RunInputs.shortNumber(record.gamma ?? .nan)); index "
                + "\(record.index)"
        case LimitSetKind.optimalManifold.rawValue:
            return "near $M$: index \(record.index)"
        default:
            return ""
        }
    }

    /// The phase segments (equal-length arrays, one entry per segment) and t*, E_gen(t*).
    private static func writePhases(_ phases: PhasesArtifact, into panel: HDF5Group) throws {
        let segments = phases.segments
        try panel.writeArray(
            "phase_t_start", segments.map(\.tStart),
            ArrayMeta(label: "$t_{\\rm start}$", unit: "steps", description: "first grid step of each phase segment"))
        try panel.writeArray(
            "phase_t_end", segments.map(\.tEnd),
            ArrayMeta(label: "$t_{\\rm end}$", unit: "steps", description: "last grid step of each phase segment"))
        try panel.writeStrings(
            "phase_label", segments.map(\.label),
            ArrayMeta(
                label: "phase", unit: "",
                description:
                    "label of each segment: plateau, transition, nearOptimalSaddle, approachToAttractor or converged"))
        try panel.writeStrings(
            "phase_note", segments.indices.map { note(phases, segment: $0) },
            ArrayMeta(
                label: "set passed", unit: "",
                description:
                    "the known set the segment's refined representative lies on (embedded line with gamma and index, "
                    + "or M); empty otherwise"
            ))
        try panel.writeArray(
            "t_star", [phases.earlyStoppingTime],
            ArrayMeta(
                label: "$t^*$", unit: "steps",
                description: "t* = argmin of E_gen over the log grid (early-stopping time)"))
        try panel.writeArray(
            "E_gen_star", [phases.earlyStoppingGeneralizationError],
            ArrayMeta(label: "$E_{\\rm gen}(t^*)$", unit: "", description: "minimum of E_gen over the log grid"))
        if let time = phases.convergenceTime {
            try panel.setAttribute("convergence_time", .double(time))
        }
    }
}
