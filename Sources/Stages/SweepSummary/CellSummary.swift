import DynamicsAnalysis
import PipelineCore
import Study

/// A count out of a number of trials, with its 95 % Wilson score interval
/// (`LimitFunctions.wilsonInterval`, the multistart's basin fractions use the same).
struct Proportion: Equatable {
    let successes: Int
    let trials: Int

    /// successes / trials; NaN without trials.
    var fraction: Double { trials > 0 ? Double(successes) / Double(trials) : .nan }
    var interval: ClosedRange<Double>? {
        trials > 0 ? LimitFunctions.wilsonInterval(successes: successes, trials: trials) : nil
    }
}

/// The measures of one (n, σ) cell of a sweep, over its datasets.
///
/// Fractions of datasets (single function, unique minimum, A > 0, prediction agrees) count each
/// dataset once; fractions of starts (global minimum, line basin, unconverged) pool the starts of
/// all the cell's datasets, so their intervals treat starts as independent draws — within one
/// dataset they are not (they share its landscape), and the per-dataset values are in the
/// artifact's `/datasets` for a reader who wants another estimator.
public struct CellSummary: Equatable {
    let cell: Sweep.Cell
    let datasets: Int
    let singleFunction: Proportion
    let uniqueMinimum: Proportion
    let globalMinimum: Proportion
    let lineBasinNegativeA: Proportion
    let lineBasinPositiveA: Proportion
    let atInfinity: Proportion
    let periodicOrbit: Proportion
    let unconverged: Proportion
    let unlocated: Proportion
    let positiveA: Proportion
    let predictionAgrees: Proportion
    /// A's minimum, quartiles and maximum over the cell's datasets (linear interpolation between
    /// order statistics, NumPy's default); NaN when A is unknown.
    let coefficientQuantiles: [Double]

    /// The measures, in the artifact's and the figures' order, with their names.
    var measures: [(name: String, value: Proportion)] {
        [
            ("single_function", singleFunction), ("unique_minimum", uniqueMinimum), ("global_minimum", globalMinimum),
            ("line_basin_negative_A", lineBasinNegativeA), ("line_basin_positive_A", lineBasinPositiveA),
            ("at_infinity", atInfinity), ("periodic_orbit", periodicOrbit), ("unconverged", unconverged),
            ("unlocated", unlocated), ("positive_A", positiveA), ("prediction_agrees", predictionAgrees),
        ]
    }

    static let quantileLevels = [0, 0.25, 0.5, 0.75, 1]

    /// What each measure counts, in words (figure titles, the report's column heads).
    public static func title(_ measure: String) -> String {
        [
            "single_function": "datasets whose limits form one function",
            "unique_minimum": "datasets whose lowest limits are one point mod symmetry (Thm 3.1)",
            "global_minimum": "starts reaching the lowest E_tr found",
            "line_basin_negative_A": "starts ending on L, datasets with A < 0",
            "line_basin_positive_A": "starts ending on L, datasets with A > 0",
            "at_infinity": "starts ending at infinity (weights diverge, function converges)",
            "periodic_orbit": "starts ending on a periodic orbit of GD (E_tr alternating)",
            "unconverged": "starts with no limit located within the budget",
            "unlocated": "starts converged, limit not located by refinement",
            "positive_A": "datasets with A > 0 (interior of L stable)",
            "prediction_agrees": "paper start: line prediction agrees with outcome",
        ][measure] ?? measure
    }

    init(cell: Sweep.Cell, outcomes: [DatasetOutcome]) {
        self.cell = cell
        datasets = outcomes.count
        let sampled = outcomes.filter { $0.starts > 0 }
        func count(_ items: [DatasetOutcome], _ test: (DatasetOutcome) -> Bool) -> Int { items.filter(test).count }
        func sum(_ items: [DatasetOutcome], _ value: (DatasetOutcome) -> Int) -> Int {
            items.reduce(0) { $0 + value($1) }
        }
        singleFunction = Proportion(successes: count(sampled, \.singleFunction), trials: sampled.count)
        uniqueMinimum = Proportion(successes: count(sampled, \.uniqueMinimum), trials: sampled.count)
        let allStarts = sum(sampled, \.starts)
        globalMinimum = Proportion(successes: sum(sampled, \.globalCount), trials: allStarts)
        unconverged = Proportion(successes: sum(sampled, \.unconverged), trials: allStarts)
        atInfinity = Proportion(successes: sum(sampled, \.infinityCount), trials: allStarts)
        periodicOrbit = Proportion(successes: sum(sampled, \.periodicCount), trials: allStarts)
        unlocated = Proportion(successes: sum(sampled, \.unlocated), trials: allStarts)
        let negative = sampled.filter { $0.coefficient < 0 }, positive = sampled.filter { $0.coefficient > 0 }
        lineBasinNegativeA = Proportion(successes: sum(negative, \.lineCount), trials: sum(negative, \.starts))
        lineBasinPositiveA = Proportion(successes: sum(positive, \.lineCount), trials: sum(positive, \.starts))
        let known = outcomes.map(\.coefficient).filter { !$0.isNaN }
        positiveA = Proportion(successes: known.filter { $0 > 0 }.count, trials: known.count)
        let decided = outcomes.compactMap(\.agrees)
        predictionAgrees = Proportion(successes: decided.filter { $0 }.count, trials: decided.count)
        coefficientQuantiles = CellSummary.quantiles(known, levels: CellSummary.quantileLevels)
    }

    /// Quantiles by linear interpolation between order statistics (NumPy's default method).
    static func quantiles(_ values: [Double], levels: [Double]) -> [Double] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return levels.map { _ in .nan } }
        return levels.map { q in
            let position = q * Double(sorted.count - 1)
            let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
            return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
        }
    }
}
