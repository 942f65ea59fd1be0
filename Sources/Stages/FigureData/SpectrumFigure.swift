import Eigen
import HDF5Kit

/// Figure "spectrum": per run, the Hessian spectrum along the log grid with its index, the
/// gradient norm, and the alignment χ_1 of the gradient with the top Hessian eigenvector.
enum SpectrumFigure {
    static func write(_ runs: [RunInputs], into root: HDF5Group) throws {
        let figure = try root.createPanel(
            "spectrum", title: "Hessian spectrum, gradient norm and alignment along the trajectory")
        try figure.setAttribute("runs", .string(runs.map(\.run.name).joined(separator: ",")))
        for inputs in runs {
            let along = try EigenArtifact(reading: inputs.eigen).along
            let keep = along.t.indices.filter { along.t[$0] > 0 }
            let d = along.dimension
            let panel = try figure.createPanel(inputs.run.name, title: inputs.title)
            try panel.writeArray("t", keep.map { Double(along.t[$0]) }, Meta.time)
            try panel.writeArray(
                "eigenvalues", keep.flatMap { along.spectrum(at: $0) }, shape: [keep.count, d],
                ArrayMeta(
                    label: "$\\lambda_i$", unit: "",
                    description: "eigenvalues of the Hessian of E_tr at θ_t, ascending (one column each)"))
            try panel.writeArray(
                "tolerance", keep.map { along.tolerance[$0] },
                ArrayMeta(label: "$\\tau$", unit: "", description: "eigenvalues with |λ| ≤ τ count as zero"))
            try panel.writeArray(
                "index", keep.map { Double(along.index[$0]) },
                ArrayMeta(label: "index", unit: "", description: "number of eigenvalues < −τ (escape directions)"))
            try panel.writeArray(
                "grad_norm", keep.map { along.gradientNorm[$0] },
                ArrayMeta(
                    label: "$\\|\\nabla E_{\\rm tr}\\|$", unit: "",
                    description: "Euclidean norm of the gradient of E_tr"))
            try panel.writeArray(
                "chi_1", keep.map { along.alignmentDepth > 0 ? along.alignment(at: $0)[0] : .nan },
                ArrayMeta(
                    label: "$\\chi_1$", unit: "",
                    description:
                        "‖P_1 g‖/‖g‖: share of the gradient along the top Hessian eigenvector "
                        + "(NaN where g = 0)"))
        }
    }
}
