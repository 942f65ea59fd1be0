import DynamicsAnalysis
import HDF5Kit
import MultiStart

/// Figure "embedded_line": per run, the transverse eigenvalue and λ_max of the Hessian along the
/// embedded line L against γ, the threshold 2/η, the GD-stable segments, the sign changes, and the
/// γ of every multistart limit on L (folded to γ ≥ 1/2).
enum EmbeddedLineFigure {
    static func write(_ runs: [RunInputs], into root: HDF5Group) throws {
        let figure = try root.createPanel(
            "embedded_line", title: "The embedded one-neuron line L: curvature across it and GD stability")
        try figure.setAttribute("runs", .string(runs.map(\.run.name).joined(separator: ",")))
        for inputs in runs {
            let line = inputs.line
            let multistart = try MultiStartArtifact(reading: inputs.multistart)
            let panel = try figure.createPanel(inputs.run.name, title: inputs.title)
            try panel.setAttribute("A", .double(line.coefficient))
            try panel.setAttribute("w_star", .double(line.fit.w))
            try panel.setAttribute("c_star", .double(line.fit.c))
            try panel.setAttribute("E_1", .double(line.fit.trainingError))
            try panel.setAttribute("eta", .double(line.eta))
            try panel.setAttribute("prediction", .string(line.prediction.destination.rawValue))
            try panel.writeArray(
                "gamma", line.grid,
                ArrayMeta(
                    label: "$\\gamma$", unit: "", description: "position on L: v_1 = gamma c*, v_2 = (1 - gamma) c*"))
            try panel.writeArray(
                "transverse", line.transverse,
                ArrayMeta(
                    label: "$\\lambda_\\perp$", unit: "",
                    description: "transverse eigenvalue: smallest Hessian eigenvalue across L"))
            try panel.writeArray(
                "lambda_max", line.largest,
                ArrayMeta(label: "$\\lambda_{\\max}$", unit: "", description: "largest Hessian eigenvalue at L(gamma)"))
            try panel.writeArray(
                "threshold", [2 / line.eta],
                ArrayMeta(
                    label: "$2/\\eta$", unit: "",
                    description: "GD with step eta leaves where lambda_max >= 2/eta (eta = train.eta)"))
            try panel.writeArray(
                "sign_changes", line.signChanges,
                ArrayMeta(
                    label: "sign change", unit: "",
                    description: "gamma where the transverse eigenvalue changes sign (Brent)"))
            try panel.writeArray(
                "stable_low", line.stableSegments.map(\.lowerBound),
                ArrayMeta(
                    label: "stable from", unit: "",
                    description: "lower ends of the GD-stable segments (eta = train.eta)"))
            try panel.writeArray(
                "stable_high", line.stableSegments.map(\.upperBound),
                ArrayMeta(label: "stable to", unit: "", description: "upper ends of the GD-stable segments"))
            let gammas = multistart.starts.compactMap(\.gamma)
            // The transverse panel zooms on the sign changes and the limits on L; λ_max shows the whole grid.
            let (g0, g1) = (line.grid.first ?? -1, line.grid.last ?? 2)
            let zoom = [max(g0, min(-0.6, (gammas.min() ?? 0) - 0.4)), min(g1, max(1.6, (gammas.max() ?? 1) + 0.4))]
            try panel.setAttribute("transverse_zoom", .doubles(zoom))
            try panel.setAttribute("zero_band", .double(line.zeroBand))
            try panel.writeArray(
                "limit_gamma", gammas,
                ArrayMeta(
                    label: "$\\gamma$ of a limit", unit: "",
                    description:
                        "gamma of every multistart limit on L (folded to gamma >= 1/2 by the neuron swap; multistart "
                        + "eta = \(multistart.lineSegments.isEmpty ? "n/a" : "as recorded"))"
                ))
        }
    }
}
