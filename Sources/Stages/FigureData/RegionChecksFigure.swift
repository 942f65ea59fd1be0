import Eigen
import HDF5Kit

/// Figure "region_checks": per run, for each sampled region family, the histogram of the number
/// of negative Hessian eigenvalues (entry k = samples with exactly k).
enum RegionChecksFigure {
    /// Legend labels of the eigen stage's region families (`RegionFamily` raw values), in the
    /// order drawn: the f ≡ 0 families, the synchronized one, then the pieces of M. Unknown
    /// families follow, labelled by their names.
    static let familyLabels: [(family: String, label: String)] = [
        ("zeroInputWeights", "$w = 0$"),
        ("zeroOutputWeights", "$v = 0$"),
        ("zeroInputAndOutput", "$w_1 = v_2 = 0$"),
        ("synchronizedSmall", "$w_1 = w_2,\\ v_1 = v_2$ (small)"),
        ("optimalSynchronized", "$M$: $w_i = w^*,\\ v_1 + v_2 = v^*$"),
        ("optimalDeadOutput", "$M$: $w_1 = w^*,\\ v_1 = v^*,\\ v_2 = 0$"),
        ("optimalDeadInput", "$M$: $w_1 = w^*,\\ v_1 = v^*,\\ w_2 = 0$"),
    ]

    static func write(_ runs: [RunInputs], into root: HDF5Group) throws {
        let figure = try root.createPanel("region_checks", title: "Negative-eigenvalue counts of the Hessian by region")
        var drawn: [String] = []
        var omitted: [String] = []
        for inputs in runs {
            let eigen = try EigenArtifact(reading: inputs.eigen)
            if let why = eigen.regionsSkipped {
                omitted.append("\(inputs.run.name): \(why)")
                continue
            }
            drawn.append(inputs.run.name)
            let panel = try figure.createPanel(inputs.run.name, title: inputs.title)
            let order = familyLabels.map(\.family)
            let regions = eigen.regions.sorted {
                (order.firstIndex(of: $0.family) ?? order.count, $0.family) < (
                    order.firstIndex(of: $1.family) ?? order.count, $1.family
                )
            }
            for region in regions {
                let label = familyLabels.first { $0.family == region.family }?.label ?? region.family
                try panel.writeArray(
                    region.family, region.indexHistogram.map(Double.init),
                    ArrayMeta(
                        label: label, unit: "samples",
                        description:
                            "entry k: samples of region '\(region.family)' (of \(region.sampleCount)) with exactly k "
                            + "eigenvalues < −τ"
                    ))
            }
        }
        try figure.setAttribute("runs", .string(drawn.joined(separator: ",")))
        if !omitted.isEmpty { try figure.setAttribute("omitted", .string(omitted.joined(separator: "; "))) }
    }
}
