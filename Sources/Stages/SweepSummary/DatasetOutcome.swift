import DynamicsAnalysis
import MLPNumerics
import MultiStart

/// What one dataset of a sweep shows: how its multi-start's limits are spread (one function or
/// several, the lowest E_tr found, one point modulo symmetry or not, the embedded line's basin),
/// and where the configuration's initial point ended beside the line's prediction.
struct DatasetOutcome: Equatable {
    let run: String
    let n: Int
    let sigma: Double
    let seed: Int
    /// The embedded line's coefficient A (NaN when unknown).
    let coefficient: Double
    /// The multi-start's counts (all 0 when the sweep has no starts).
    let starts: Int
    /// Starts that neither reached the gradient tolerance nor had their limit set certified
    /// within the step budget: what a larger budget could change.
    let unconverged: Int
    /// Starts that converged (or were certified) but whose limit the refinement could not locate
    /// on a critical point (the multistart's "not converged" limits besides `unconverged`).
    let unlocated: Int
    /// Starts whose limit lies on the embedded line L.
    let lineCount: Int
    /// Starts located at infinity (`LimitSetKind.atInfinity`).
    let infinityCount: Int
    /// Starts located on a periodic orbit of GD (`LimitSetKind.periodicOrbit`).
    let periodicCount: Int
    /// Starts whose limit's E_tr is within the tolerance of the lowest E_tr found on the dataset (over the
    /// limits that have one E_tr: periodic orbits of GD, whose E_tr alternates, are not minima).
    let globalCount: Int
    let functionCount: Int
    /// The located limits form one limit function (not a periodic orbit of GD, which alternates between functions).
    let singleFunction: Bool
    /// The limits of lowest E_tr are one isolated minimum, one point modulo symmetry (Theorem 3.1 as stated).
    let uniqueMinimum: Bool
    /// The lowest E_tr among the limits (NaN when none converged).
    let lowestTrainingError: Double
    /// The line's prediction for the initial point, nil without a training run.
    let prediction: InteriorOutcome?
    /// Where the training run ended relative to L's interior; nil when it did not reach a
    /// critical point (or there is no training run).
    let outcome: InteriorOutcome?
    /// Prediction and outcome agree; nil when the prediction does not apply or the outcome is unknown.
    var agrees: Bool? {
        guard let prediction, prediction != .notApplicable, let outcome else { return nil }
        return prediction == outcome
    }

    /// The multi-start's limits of one dataset, summarised.
    struct Limits: Equatable {
        var starts = 0, unconverged = 0, unlocated = 0, lineCount = 0, infinityCount = 0, periodicCount = 0,
            globalCount = 0, functionCount = 0
        var singleFunction = false, uniqueMinimum = false
        var lowestTrainingError = Double.nan
    }

    /// Summarises a multistart artifact's limit functions.
    /// - Parameter tolerance: limits whose E_tr is within this of the lowest count as global minima.
    static func limits(of multistart: MultiStartArtifact, tolerance: Double) -> Limits {
        var result = Limits()
        result.starts = multistart.starts.count
        result.unconverged = multistart.starts.filter { !$0.converged && !$0.certified }.count
        result.unlocated = multistart.unconvergedCount - result.unconverged
        result.lineCount = multistart.starts.filter { $0.limitKind == LimitSetKind.embeddedLine.rawValue }.count
        result.infinityCount = multistart.starts.filter { $0.limitKind == LimitSetKind.atInfinity.rawValue }.count
        result.periodicCount = multistart.starts.filter { $0.limitKind == LimitSetKind.periodicOrbit.rawValue }.count
        let functions = multistart.functions
        result.functionCount = functions.count
        // A periodic orbit of GD alternates between functions (one group of them is not one limit function) and has
        // no single E_tr (it is no candidate for the lowest).
        let periodic = functions.map { $0.kind.contains(LimitSetKind.periodicOrbit.rawValue) }
        result.singleFunction = functions.count == 1 && !periodic[0]
        let levels = functions.indices.filter { !periodic[$0] }
        guard let lowest = levels.map({ functions[$0].trainingError }).min() else { return result }
        result.lowestTrainingError = lowest
        let global = levels.filter { functions[$0].trainingError <= lowest + tolerance }
        result.globalCount = global.reduce(0) { $0 + functions[$1].count }
        // One function of lowest E_tr, an isolated minimum, reached as one critical point modulo symmetry.
        if global.count == 1, functions[global[0]].kind == LimitSetKind.isolatedMinimum.rawValue {
            let points = Set(multistart.starts.filter { $0.function == global[0] }.map(\.criticalPoint))
            result.uniqueMinimum = points.count == 1 && points.first! != nil
        }
        return result
    }

    /// Where a training run's final point lies relative to L's interior: its limit set when it is
    /// certain (`LimitSetCertifier`, as the multistart's early stop decides), else the refined final
    /// point when the run converged (‖∇E_tr‖ below `gradientTolerance`), else nil (still moving).
    static func outcome(
        final: Network, gradientNorm: Double, known: KnownSets, certification: CertificationSettings,
        gradientTolerance: Double
    ) -> InteriorOutcome? {
        let certified = LimitSetCertifier.certifyEndOfRun(
            final, gradientNorm: gradientNorm, known: known, settings: certification)
        guard
            let limit = certified
                ?? (gradientNorm < gradientTolerance ? LimitSetRefiner.refine(final, known: known) : nil),
            limit.kind != .notConverged
        else { return nil }
        return limit.interiorOutcome
    }
}
