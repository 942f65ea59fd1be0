import DynamicsAnalysis
import Foundation
import HDF5Kit
import Projected

/// Figure "alignment" (suspicious alignment, Deng et al.): per run of the projected study, one
/// panel per experiment (method, branch time t0, η) with the excess E_tr of the plain,
/// dominant-only and bulk-only branches against the branch's steps and χ_k of the full-batch
/// gradient along each; `<run>/ratios` holds the table of final excesses and their ratios.
enum AlignmentFigure {
    static func write(_ studies: [(run: String, title: String, artifact: ProjectedArtifact)], into root: HDF5Group)
        throws
    {
        let figure = try root.createPanel(
            "alignment", title: "Suspicious alignment: plain, dominant-only and bulk-only steps")
        try figure.setAttribute("runs", .string(studies.map(\.run).joined(separator: ",")))
        for study in studies {
            let artifact = study.artifact
            let group = try figure.createPanel(study.run, title: study.title)
            try group.setAttribute("dominant_dimension", .int64(Int64(artifact.dominantDimension)))
            try group.setAttribute("refresh_every", .int64(Int64(artifact.refreshEvery)))
            try group.setAttribute("reference_E_tr", .double(artifact.reference))
            let names = artifact.ratios.map { "\($0.method.rawValue)_t\($0.t0)_eta\($0.eta)" }
            try group.setAttribute("experiments", .string(names.joined(separator: ",")))
            let k = artifact.dominantDimension
            for name in names {
                let variants = artifact.branches.filter { $0.experiment.name == name }
                guard let first = variants.first else { continue }
                let experiment = first.experiment
                let panel = try group.createPanel(
                    name,
                    title: "\(experiment.method == .sgd ? "online SGD" : "GD"), "
                        + "$t_0$ = \(experiment.t0), $\\eta$ = \(experiment.eta)")
                try panel.setAttribute("method", .string(experiment.method.rawValue))
                try panel.setAttribute("t0", .int64(Int64(experiment.t0)))
                try panel.setAttribute("eta", .double(experiment.eta))
                // Every variant is recorded on the same grid; a diverged one stops early (a prefix).
                let longest = variants.max { $0.record.t.count < $1.record.t.count }!.record
                try panel.writeArray(
                    "t", longest.t.map(Double.init),
                    ArrayMeta(
                        label: "steps since $t_0$", unit: "",
                        description: "gradient steps of the branch from theta_t0 (log grid)"))
                for branch in variants {
                    let v = branch.projection.rawValue
                    try panel.writeArray(
                        "excess_\(v)", branch.record.excess,
                        ArrayMeta(
                            label: "$E_{\\rm tr} - E_{\\rm tr}^{\\rm lim}$", unit: "",
                            description:
                                "excess training error of the \(v) branch over the run's refined limit (ends early if "
                                + "it diverged)"
                        ))
                }
                for branch in variants {
                    let v = branch.projection.rawValue
                    try panel.writeArray(
                        "chi_\(v)", branch.record.fullAlignment,
                        ArrayMeta(
                            label: "$\\chi_{\(k)}$", unit: "",
                            description:
                                "chi_k = |P_k grad E_tr| / |grad E_tr| of the full-batch gradient along the \(v) "
                                + "branch (k = \(k))"
                        ))
                }
                if experiment.method == .sgd, let plain = variants.first(where: { $0.projection == .plain }) {
                    try panel.writeArray(
                        "chi_stochastic_plain", plain.record.stochasticAlignment,
                        ArrayMeta(
                            label: "$\\chi_{\(k)}$ (one-sample gradient)", unit: "",
                            description: "chi_k of the one-sample gradient of each plain SGD step"))
                }
                if let plain = variants.first(where: { $0.projection == .plain }) {
                    try panel.writeArray(
                        "threshold_plain", plain.record.largestEigenvalue.map { 2 / $0 },
                        ArrayMeta(
                            label: "$2/\\lambda_{\\max}$", unit: "",
                            description: "the GD stability threshold along the plain branch"))
                }
                try panel.setAttribute(
                    "diverged",
                    .string(
                        variants.filter { $0.record.divergedAt != nil }
                            .map { "\($0.projection.rawValue) at step \($0.record.divergedAt!)" }.joined(
                                separator: "; ")))
            }
            try writeRatios(artifact.ratios, into: group)
        }
    }

    private static func writeRatios(_ rows: [ProjectedArtifact.Ratio], into group: HDF5Group) throws {
        let table = try group.createPanel("ratios", title: "Final excess E_tr per variant and its ratio to plain")
        try table.writeStrings(
            "method", rows.map(\.method.rawValue),
            ArrayMeta(label: "method", unit: "", description: "sgd (online) or gd (full batch)"))
        try table.writeArray(
            "t0", rows.map { Double($0.t0) },
            ArrayMeta(label: "$t_0$", unit: "steps", description: "branch time on the run's trajectory"))
        try table.writeArray(
            "eta", rows.map(\.eta), ArrayMeta(label: "$\\eta$", unit: "", description: "step size of the branches"))
        try table.writeArray(
            "start_excess", rows.map(\.startExcess),
            ArrayMeta(label: "excess at $t_0$", unit: "", description: "excess E_tr at the branch point"))
        try table.writeArray(
            "start_threshold", rows.map(\.startThreshold),
            ArrayMeta(
                label: "$2/\\lambda_{\\max}$ at $t_0$", unit: "",
                description: "GD stability threshold at the branch point"))
        for (j, v) in StepProjection.allCases.enumerated() {
            try table.writeArray(
                "final_\(v.rawValue)", rows.map { $0.finalExcess[j] },
                ArrayMeta(
                    label: "final excess (\(v.rawValue))", unit: "",
                    description: "mean excess over the last decade of the \(v.rawValue) branch (NaN: diverged)"))
        }
        for v in [StepProjection.dominant, .bulk] {
            let j = StepProjection.allCases.firstIndex(of: v)!
            try table.writeArray(
                "ratio_\(v.rawValue)", rows.map { $0.ratioToPlain[j] },
                ArrayMeta(
                    label: "\(v.rawValue) / plain", unit: "",
                    description: "final excess of the \(v.rawValue) branch divided by the plain branch's"))
        }
        try table.writeArray(
            "late_chi", rows.map(\.lateAlignment),
            ArrayMeta(
                label: "late $\\chi_k$ (plain)", unit: "",
                description: "mean chi_k of the full gradient along the plain branch over its last decade"))
    }
}
