import DynamicsAnalysis
import Foundation
import HDF5Kit
import Saddles

/// Figure "saddle_to_saddle" (Zhang, Saxe & Latham): per run of the saddles study, one panel per
/// width m with every start's learning curve (E_tr against t) and its effective width along it,
/// the refined plateaus marked with their type; and `<run>/escape`: the escape time from the origin
/// against the initial scale α per start, with the predicted slope ln 10/(2ηs) steps per decade
/// drawn through the small-α points' mean.
enum SaddleToSaddleFigure {
    static func write(_ studies: [(run: String, title: String, artifact: SaddlesArtifact)], into root: HDF5Group) throws
    {
        let figure = try root.createPanel(
            "saddle_to_saddle", title: "Saddle-to-saddle: plateaus, effective width and escape from the origin")
        try figure.setAttribute("runs", .string(studies.map(\.run).joined(separator: ",")))
        for study in studies {
            let artifact = study.artifact
            let group = try figure.createPanel(study.run, title: study.title)
            try group.setAttribute("widths", .string(artifact.widths.map(String.init).joined(separator: ",")))
            try group.setAttribute("escape_threshold", .double(artifact.escapeThreshold))
            try group.setAttribute("E_1", .double(artifact.widthOneError))
            for m in artifact.widths {
                let panel = try group.createPanel("m\(m)", title: "\(study.title): width m = \(m)")
                try panel.setAttribute("width", .int64(Int64(m)))
                for (n, result) in artifact.starts.enumerated() where result.start.width == m {
                    try writeStart(result, name: String(format: "start%03d", n), into: panel)
                }
            }
            try writeEscape(
                artifact, into: try group.createPanel("escape", title: "\(study.title): escape from the origin"))
        }
    }

    /// One start: its curve (t > 0, for log axes), effective width and refined plateaus.
    private static func writeStart(_ result: SaddlesArtifact.StartResult, name: String, into panel: HDF5Group) throws {
        let run = result.run
        let keep = run.t.indices.filter { run.t[$0] > 0 }
        let start = try panel.createPanel(name, title: "alpha = \(result.start.scale), seed \(result.start.seed)")
        try start.setAttribute("scale", .double(result.start.scale))
        try start.setAttribute("seed", .int64(Int64(result.start.seed)))
        try start.setAttribute("escape_time", .double(run.escapeTime.map(Double.init) ?? .nan))
        try start.writeArray("t", keep.map { Double(run.t[$0]) }, Meta.time)
        try start.writeArray(
            "E_tr", keep.map { run.trainingError[$0] },
            ArrayMeta(label: "$E_{\\rm tr}$", unit: "", description: "training error of this start"))
        try start.writeArray(
            "effective_width", keep.map { Double(run.effectiveWidth[$0]) },
            ArrayMeta(
                label: "effective width", unit: "",
                description: "live neurons distinct modulo sign (EffectiveWidth, width_tolerance)"))
        try start.writeArray(
            "index", keep.map { Double(run.index[$0]) },
            ArrayMeta(label: "index", unit: "", description: "Hessian index (eigenvalues below -tau)"))
        let plateaus = result.plateaus
        try start.writeArray(
            "plateau_t", plateaus.map { Double(max($0.t, 1)) },
            ArrayMeta(
                label: "$t$", unit: "steps",
                description: "grid step of each plateau's point that was refined (the last: where the run stopped)"))
        try start.writeArray(
            "plateau_E_tr", plateaus.map(\.trainingError),
            ArrayMeta(label: "$E_{\\rm tr}$", unit: "", description: "E_tr at the refined critical point"))
        try start.writeArray(
            "plateau_width", plateaus.map { Double($0.embeddedWidth) },
            ArrayMeta(label: "k", unit: "", description: "effective width of the refined critical point"))
        try start.writeArray(
            "plateau_index", plateaus.map { Double($0.index) },
            ArrayMeta(label: "index", unit: "", description: "Hessian index at the refined point (-1: not finite)"))
        try start.writeStrings(
            "plateau_phase", plateaus.map(\.phase),
            ArrayMeta(
                label: "phase", unit: "",
                description: "the phase detector's segment (plateau, nearOptimalSaddle) or final"))
        try start.writeStrings(
            "plateau_kind", plateaus.map(\.kind.rawValue),
            ArrayMeta(label: "kind", unit: "", description: "origin, embedded, minimum or saddle"))
        try start.writeStrings(
            "plateau_summary", plateaus.map { $0.summary.replacingOccurrences(of: ",", with: " ") },
            ArrayMeta(
                label: "critical point", unit: "",
                description: "zero and duplicated units and the narrower network's A_i"))
    }

    /// Escape time against α per start, and the predicted slope through the small-α points.
    private static func writeEscape(_ artifact: SaddlesArtifact, into panel: HDF5Group) throws {
        let starts = artifact.starts
        try panel.setAttribute("s", .double(artifact.originRate))
        try panel.setAttribute("eta", .double(artifact.eta))
        try panel.setAttribute("predicted_slope", .double(artifact.predictedSlope))
        try panel.setAttribute("discrete_slope", .double(artifact.discreteSlope))
        try panel.setAttribute("measured_slope", .double(artifact.escapeSlope()))
        try panel.setAttribute("slope_max_scale", .double(artifact.slopeMaxScale))
        try panel.writeArray(
            "alpha", starts.map(\.start.scale),
            ArrayMeta(label: "$\\alpha$", unit: "", description: "initial scale of the start"))
        try panel.writeArray(
            "escape_time", starts.map { $0.run.escapeTime.map(Double.init) ?? .nan },
            ArrayMeta(
                label: "escape time", unit: "steps",
                description:
                    "first step with E_tr below half-way from the origin's error to the width-1 fit's (NaN: never)"))
        try panel.writeArray(
            "width", starts.map { Double($0.start.width) },
            ArrayMeta(label: "$m$", unit: "", description: "width of the start"))
        // The predicted line: slope ln 10/(2ηs) per decade of 1/α, through the mean of the points
        // the slope is fitted on (α ≤ slope_max_scale).
        let fitted = artifact.slopePoints()
        let alphas = starts.map(\.start.scale)
        if !fitted.isEmpty, let low = alphas.min(), let high = alphas.max() {
            let mx = fitted.map(\.decades).reduce(0, +) / Double(fitted.count)
            let my = fitted.map(\.escapeTime).reduce(0, +) / Double(fitted.count)
            let ends = [low, high]
            try panel.writeArray(
                "predicted_alpha", ends,
                ArrayMeta(label: "$\\alpha$", unit: "", description: "ends of the predicted line"))
            try panel.writeArray(
                "predicted_escape", ends.map { my + artifact.predictedSlope * (log10(1 / $0) - mx) },
                ArrayMeta(
                    label: "escape time", unit: "steps",
                    description:
                        "slope ln10/(2 eta s) per decade of 1/alpha through the mean of the starts with alpha <= "
                        + "slope_max_scale"
                ))
        }
    }
}
