import HDF5Kit
import Richer

/// Figure "richer" (the paper's richer case, docs/richer.md): per run of the richer study, every start's
/// E_gen(t) and Hessian index along the run, GD and online SGD apart, with the embedded best width-k
/// fit's E_gen and E_tr as references and each start's passage at that fit (the near-optimal saddle)
/// marked.
enum RicherFigure {
    static func write(_ studies: [(run: String, title: String, artifact: RicherArtifact)], into root: HDF5Group) throws
    {
        let figure = try root.createPanel(
            "richer", title: "The richer case: a two-neuron teacher, students of width m from small starts")
        try figure.setAttribute("runs", .string(studies.map(\.run).joined(separator: ",")))
        for study in studies {
            let artifact = study.artifact
            let group = try figure.createPanel(study.run, title: "\(study.title), m = \(artifact.width)")
            try group.setAttribute("fit_E_gen", .double(artifact.teacherFit.generalizationError))
            try group.setAttribute("fit_E_tr", .double(artifact.teacherFit.trainingError))
            try group.setAttribute("teacher_width", .int64(Int64(artifact.teacherFit.network.width)))
            for (n, start) in artifact.starts.enumerated() {
                let run = start.run
                let keep = run.t.indices.filter { run.t[$0] > 0 }
                let panel = try group.createPanel(
                    String(format: "start%03d", n), title: "\(start.method.rawValue), seed \(start.seed)")
                try panel.setAttribute("method", .string(start.method.rawValue))
                try panel.setAttribute("seed", .int64(Int64(start.seed)))
                try panel.setAttribute("scheme", .int64(start.appears ? 1 : 0))
                try panel.writeArray("t", keep.map { Double(run.t[$0]) }, Meta.time)
                try panel.writeArray(
                    "E_gen", keep.map { run.generalizationError[$0] },
                    ArrayMeta(label: "$E_{\\rm gen}$", unit: "", description: "generalization error of this start"))
                try panel.writeArray(
                    "E_tr", keep.map { run.trainingError[$0] },
                    ArrayMeta(label: "$E_{\\rm tr}$", unit: "", description: "training error of this start"))
                try panel.writeArray(
                    "index", keep.map { Double(run.index[$0]) },
                    ArrayMeta(label: "index", unit: "", description: "Hessian index (eigenvalues below -tau)"))
                let fitT = start.fitTime.map { [Double(max($0, 1))] } ?? []
                try panel.writeArray(
                    "fit_t", fitT,
                    ArrayMeta(
                        label: "$t$", unit: "steps",
                        description: "where the run passes the embedded best width-k fit (empty: it does not)"))
            }
        }
    }
}
