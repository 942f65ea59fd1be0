import DynamicsAnalysis
import HDF5Kit
import PipelineCore

/// The sweep-summary stage's artifact: per dataset what its limits and its initial point's fate
/// show, per (n, σ) cell the fractions with 95 % Wilson intervals.
///
/// Layout (D datasets, C cells):
/// - root attributes `sweep` (its name), `global_minimum_tolerance`, `paper_init` (0/1), `starts`
///   (per dataset), `measures` (the cell measures' names, comma-separated, in order).
/// - `/datasets/{run (D strings), n (D, int64), sigma (D), seed (D, int64), A (D; NaN unknown),
///   starts, unconverged (neither converged nor certified within the budget), unlocated (converged,
///   limit not located), line_count, infinity_count (located at infinity), periodic_count (on a periodic orbit of GD),
/// global_count, function_count (D, int64), single_function,
///   unique_minimum (D, int64 0/1), lowest_E_tr (D), prediction, outcome (D strings: an
///   `InteriorOutcome` raw value, "" when unknown), agrees (D, int64: 1, 0, −1 unknown)}`.
/// - `/cells/{n (C, int64), sigma (C), datasets (C, int64), A_quantiles (C × 5: min, quartiles,
///   max)}` and per measure m: `m_successes`, `m_trials` (C, int64), `m` (C: the fraction, NaN
///   without trials), `m_low`, `m_high` (C: its Wilson interval).
public struct SweepSummaryArtifact {
    let sweep: String
    let paperInit: Bool
    let datasets: [DatasetOutcome]
    let cells: [CellSummary]

    func write(to root: HDF5Group, tolerance: Double, starts: Int) throws {
        try root.setAttribute("sweep", .string(sweep))
        try root.setAttribute("global_minimum_tolerance", .double(tolerance))
        try root.setAttribute("paper_init", .int64(paperInit ? 1 : 0))
        try root.setAttribute("starts", .int64(Int64(starts)))
        let measureNames = cells.first?.measures.map(\.name) ?? []
        try root.setAttribute("measures", .string(measureNames.joined(separator: ",")))

        let d = try root.createGroup("datasets")
        try d.createDataset("run", strings: datasets.map(\.run))
        try d.createDataset("n", int64s: datasets.map { Int64($0.n) })
        try d.createDataset("sigma", doubles: datasets.map(\.sigma))
        try d.createDataset("seed", int64s: datasets.map { Int64($0.seed) })
        try d.createDataset("A", doubles: datasets.map(\.coefficient))
        for (name, value) in [
            ("starts", \DatasetOutcome.starts), ("unconverged", \.unconverged), ("unlocated", \.unlocated),
            ("line_count", \.lineCount), ("infinity_count", \.infinityCount), ("periodic_count", \.periodicCount),
            ("global_count", \.globalCount), ("function_count", \.functionCount),
        ] as [(String, KeyPath<DatasetOutcome, Int>)] {
            try d.createDataset(name, int64s: datasets.map { Int64($0[keyPath: value]) })
        }
        try d.createDataset("single_function", int64s: datasets.map { $0.singleFunction ? 1 : 0 })
        try d.createDataset("unique_minimum", int64s: datasets.map { $0.uniqueMinimum ? 1 : 0 })
        try d.createDataset("lowest_E_tr", doubles: datasets.map(\.lowestTrainingError))
        try d.createDataset("prediction", strings: datasets.map { $0.prediction?.rawValue ?? "" })
        try d.createDataset("outcome", strings: datasets.map { $0.outcome?.rawValue ?? "" })
        try d.createDataset("agrees", int64s: datasets.map { $0.agrees.map { $0 ? 1 : 0 } ?? -1 })

        let c = try root.createGroup("cells")
        try c.createDataset("n", int64s: cells.map { Int64($0.cell.n) })
        try c.createDataset("sigma", doubles: cells.map(\.cell.sigma))
        try c.createDataset("datasets", int64s: cells.map { Int64($0.datasets) })
        try c.createDataset(
            "A_quantiles", doubles: cells.flatMap(\.coefficientQuantiles),
            shape: [cells.count, CellSummary.quantileLevels.count])
        for (k, name) in measureNames.enumerated() {
            let values = cells.map { $0.measures[k].value }
            try c.createDataset("\(name)_successes", int64s: values.map { Int64($0.successes) })
            try c.createDataset("\(name)_trials", int64s: values.map { Int64($0.trials) })
            try c.createDataset(name, doubles: values.map(\.fraction))
            try c.createDataset("\(name)_low", doubles: values.map { $0.interval?.lowerBound ?? .nan })
            try c.createDataset("\(name)_high", doubles: values.map { $0.interval?.upperBound ?? .nan })
        }
    }

    /// One cell as read back: its grid point, dataset count, A's quantiles and each measure.
    public struct Cell {
        public let n: Int
        public let sigma: Double
        public let datasets: Int
        public let coefficientQuantiles: [Double]
        /// Measure name → (successes, trials, fraction, Wilson low, high).
        public let measures: [(name: String, successes: Int, trials: Int, fraction: Double, low: Double, high: Double)]
    }

    /// What readers (figure data, report) take from the artifact.
    public struct Contents {
        public let sweep: String
        public let starts: Int
        public let measureNames: [String]
        public let cells: [Cell]
        /// Per dataset: n, σ, |A|, line-basin fraction (NaN without starts).
        public let datasets: [(run: String, n: Int, sigma: Double, coefficient: Double, lineBasin: Double)]
    }

    /// Reads a sweep-summary artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public static func read(_ file: HDF5File) throws -> Contents {
        let root = file.root
        let names = try root.string("measures").split(separator: ",").map(String.init)
        let c = try root.group("cells")
        let n = try c.dataset("n").readInt64s(), sigma = try c.dataset("sigma").readDoubles()
        let count = try c.dataset("datasets").readInt64s(), quantiles = try c.dataset("A_quantiles").readDoubles()
        let q = CellSummary.quantileLevels.count
        var columns: [String: (s: [Int64], t: [Int64], f: [Double], lo: [Double], hi: [Double])] = [:]
        for name in names {
            columns[name] = (
                try c.dataset("\(name)_successes").readInt64s(), try c.dataset("\(name)_trials").readInt64s(),
                try c.dataset(name).readDoubles(), try c.dataset("\(name)_low").readDoubles(),
                try c.dataset("\(name)_high").readDoubles()
            )
        }
        let cells = n.indices.map { i in
            Cell(
                n: Int(n[i]), sigma: sigma[i], datasets: Int(count[i]),
                coefficientQuantiles: Array(quantiles[(i * q)..<((i + 1) * q)]),
                measures: names.map { name in
                    let m = columns[name]!
                    return (name, Int(m.s[i]), Int(m.t[i]), m.f[i], m.lo[i], m.hi[i])
                })
        }
        let d = try root.group("datasets")
        let runs = try d.dataset("run").readStrings(), dn = try d.dataset("n").readInt64s(),
            ds = try d.dataset("sigma").readDoubles()
        let a = try d.dataset("A").readDoubles(), starts = try d.dataset("starts").readInt64s(),
            line = try d.dataset("line_count").readInt64s()
        let datasets = runs.indices.map { i in
            (runs[i], Int(dn[i]), ds[i], a[i], starts[i] > 0 ? Double(line[i]) / Double(starts[i]) : .nan)
        }
        return Contents(
            sweep: try root.string("sweep"), starts: try root.int("starts"), measureNames: names, cells: cells,
            datasets: datasets)
    }
}
