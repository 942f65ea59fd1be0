import HDF5Kit
import MLPNumerics
import Train

/// Figure "functions": per run, the teacher f*, the initial and final students on a grid, and the data.
enum FunctionsFigure {
    static func write(_ runs: [RunInputs], settings: FigureDataSettings, into root: HDF5Group) throws {
        let figure = try root.createPanel("functions", title: "Teacher, students and data")
        try figure.setAttribute("runs", .string(runs.map(\.run.name).joined(separator: ",")))
        let n = settings.functionGridPoints
        let (lo, hi) = settings.functionRange
        let grid = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
        for inputs in runs {
            let name = inputs.run.name
            let initial = Network(
                w: try inputs.train.root.doubles("initial_w"), v: try inputs.train.root.doubles("initial_v"))
            let final = try TrainingArtifact(reading: inputs.train).final
            let steps = try inputs.train.root.int("steps")
            let data = inputs.dataset.trainingSet(targets: inputs.run.targets)
            let panel = try figure.createPanel(name, title: inputs.title)
            try panel.writeArray("x", grid, ArrayMeta(label: "$x$", unit: "", description: "input x (grid)"))
            try panel.writeArray(
                "f_teacher", grid.map { inputs.dataset.teacher($0) },
                ArrayMeta(label: "$f^*(x)$", unit: "", description: "teacher f*(x) = Σ v*_i tanh(w*_i x)"))
            try panel.writeArray(
                "f_initial", grid.map { initial($0) },
                ArrayMeta(label: "$f(x;\\theta_0)$", unit: "", description: "student at t = 0"))
            try panel.writeArray(
                "f_final", grid.map { final($0) },
                ArrayMeta(
                    label: "$f(x;\\theta_T)$", unit: "", description: "student at t = T = \(steps), run '\(name)'"))
            try panel.writeArray("data_x", data.x, ArrayMeta(label: "$x_k$", unit: "", description: "training inputs"))
            try panel.writeArray(
                "data_y", data.y,
                ArrayMeta(
                    label: "$y_k$", unit: "",
                    description: "training targets of run '\(name)' (\(inputs.run.targets.rawValue))"))
        }
    }
}
