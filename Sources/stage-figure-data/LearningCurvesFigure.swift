import Artifacts
import HDF5Kit

/// Figure "learning_curves": per run, E_tr and E_gen against t (log–log; t = 0 is left out).
enum LearningCurvesFigure {
    static func write(_ runs: [RunInputs], into root: HDF5Group) throws {
        let figure = try root.createPanel("learning_curves", title: "Learning curves")
        try figure.setAttribute("runs", .string(runs.map(\.run.name).joined(separator: ",")))
        for inputs in runs {
            let curve = try TrainingArtifact.curve(inputs.train)
            let keep = curve.t.indices.filter { curve.t[$0] > 0 }
            let panel = try figure.createPanel(inputs.run.name, title: inputs.title)
            try panel.writeArray("t", keep.map { Double(curve.t[$0]) }, Meta.time)
            try panel.writeArray("E_tr", keep.map { curve.trainingError[$0] }, Meta.trainingError(inputs.run.name))
            try panel.writeArray("E_gen", keep.map { curve.generalizationError[$0] }, Meta.generalizationError(inputs.run.name))
        }
    }
}
