import HDF5Kit
import PipelineCore
import SweepSummary

/// Figures "sweep_cells" and "sweep_line_basin", present only when the configuration has sweeps:
/// per sweep, the summary's measures over the (n, σ) grid with their Wilson intervals (heat maps),
/// and per dataset the embedded line's basin fraction against |A| (scatter). The paper's figures
/// never include a sweep's runs.
enum SweepFigures {
    static let names = ["sweep_cells", "sweep_line_basin"]

    static func write(_ sweeps: [(name: String, summary: SweepSummaryArtifact.Contents)], into root: HDF5Group) throws {
        let cells = try root.createPanel(
            "sweep_cells", title: "Sweeps: Theorem 3.1 as measured fractions over (n, σ), 95% Wilson intervals")
        try cells.setAttribute("runs", .string(sweeps.map(\.name).joined(separator: ",")))
        for (name, summary) in sweeps {
            let panel = try cells.createPanel(
                name,
                title:
                    "sweep \(name): \(summary.cells.first?.datasets ?? 0) datasets per cell, \(summary.starts) starts "
                    + "each"
            )
            try panel.setAttribute("measures", .string(summary.measureNames.joined(separator: ",")))
            try panel.setAttribute(
                "measure_titles", .string(summary.measureNames.map { CellSummary.title($0) }.joined(separator: "|")))
            try panel.writeArray(
                "n", summary.cells.map { Double($0.n) },
                ArrayMeta(label: "$n$", unit: "", description: "sample size n of the cell"))
            try panel.writeArray(
                "sigma", summary.cells.map(\.sigma),
                ArrayMeta(label: "$\\sigma$", unit: "", description: "noise standard deviation of the cell"))
            try panel.writeArray(
                "datasets", summary.cells.map { Double($0.datasets) },
                ArrayMeta(label: "datasets", unit: "", description: "datasets in the cell"))
            for (k, measure) in summary.measureNames.enumerated() {
                let title = CellSummary.title(measure)
                try panel.writeArray(
                    measure, summary.cells.map { $0.measures[k].fraction },
                    ArrayMeta(
                        label: "fraction", unit: "", description: "\(title): successes / trials (NaN without trials)"))
                try panel.writeArray(
                    "\(measure)_low", summary.cells.map { $0.measures[k].low },
                    ArrayMeta(label: "Wilson low", unit: "", description: "\(title): 95% Wilson interval, lower end"))
                try panel.writeArray(
                    "\(measure)_high", summary.cells.map { $0.measures[k].high },
                    ArrayMeta(label: "Wilson high", unit: "", description: "\(title): 95% Wilson interval, upper end"))
                try panel.writeArray(
                    "\(measure)_successes", summary.cells.map { Double($0.measures[k].successes) },
                    ArrayMeta(label: "successes", unit: "", description: "\(title): count"))
                try panel.writeArray(
                    "\(measure)_trials", summary.cells.map { Double($0.measures[k].trials) },
                    ArrayMeta(label: "trials", unit: "", description: "\(title): out of"))
            }
        }
        let basin = try root.createPanel(
            "sweep_line_basin",
            title: "Sweeps: basin fraction of the embedded line L against |A|, one point per dataset")
        try basin.setAttribute("runs", .string(sweeps.map(\.name).joined(separator: ",")))
        for (name, summary) in sweeps {
            let points = summary.datasets.filter { !$0.coefficient.isNaN && !$0.lineBasin.isNaN }
            let panel = try basin.createPanel(name, title: "sweep \(name)")
            try panel.writeArray(
                "abs_A", points.map { abs($0.coefficient) },
                ArrayMeta(
                    label: "$|A|$", unit: "",
                    description: "|A| of the dataset's embedded line (A = c* (2/n) sum_k r_k tanh''(w* x_k) x_k^2)"))
            try panel.writeArray(
                "sign_A", points.map { $0.coefficient > 0 ? 1 : -1 },
                ArrayMeta(
                    label: "sign of A", unit: "", description: "+1: interior of L GD-stable, -1: interior a saddle"))
            try panel.writeArray(
                "line_basin", points.map(\.lineBasin),
                ArrayMeta(
                    label: "basin fraction of $L$", unit: "",
                    description: "fraction of the dataset's starts whose limit lies on L"))
            try panel.writeArray(
                "n", points.map { Double($0.n) },
                ArrayMeta(label: "$n$", unit: "", description: "sample size of the dataset"))
            try panel.writeArray(
                "sigma", points.map(\.sigma),
                ArrayMeta(label: "$\\sigma$", unit: "", description: "noise standard deviation of the dataset"))
        }
    }
}
