import DynamicsAnalysis
import HDF5Kit
import MLPNumerics

/// The line stage's artifact: the best width-1 fit and the embedded line L's critical structure.
///
/// Layout (G grid points, S sign changes, K stable segments):
/// - root attributes `w_star`, `c_star` (the width-1 fit c*·tanh(w* x), w* ≥ 0), `E_tr` (its training
///   error, the value of E_tr on all of L), `E_gen` (its generalization error against the teacher),
///   `fit_grad_norm`, `fit_converged` (0/1), `fit_iterations`, `fit_reason`, `A` (the coefficient
///   c*·(2/n) Σ r_k tanh''(w* x_k) x_k²), `eta` (train.eta), `lambda_max_threshold` (2/η),
///   `zero_band` (|λ| at or below it counts as zero), `stable_interval_low`/`_high` (λ_max < 2/η
///   there; NaN when empty), `prediction` (`InteriorOutcome` raw value) and
///   `prediction_reason`.
/// - `/grid/{gamma (G), eigenvalues (G × 4, ascending), transverse (G), lambda_max (G)}`.
/// - `/sign_changes` (S): γ where the transverse eigenvalue changes sign (Brent-refined).
/// - `/stable_segments` (K × 2): closed γ intervals with transverse eigenvalue ≥ 0 and λ_max < 2/η.
public struct LineArtifact {
    public let fit: WidthOneFit
    public let coefficient: Double
    public let fitGeneralizationError: Double
    public let eta: Double
    public let zeroBand: Double
    public let stability: ClosedRange<Double>?
    public let grid: [Double]
    /// Row-major G × 4.
    public let eigenvalues: [Double]
    public let transverse: [Double]
    public let largest: [Double]
    public let signChanges: [Double]
    public let stableSegments: [ClosedRange<Double>]
    public let prediction: LinePrediction

    static func write(to root: HDF5Group, analysis: EmbeddedLineAnalysis, teacher: Network, prediction: LinePrediction)
        throws
    {
        let fit = analysis.line.fit
        func describe(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try root.setAttribute("w_star", .double(fit.w))
        try root.setAttribute("c_star", .double(fit.c))
        try root.setAttribute("E_tr", .double(fit.trainingError))
        try root.setAttribute("E_gen", .double(GeneralizationError.value(fit.network, teacher: teacher)))
        try root.setAttribute("fit_grad_norm", .double(fit.gradientNorm))
        try root.setAttribute("fit_converged", .int64(fit.converged ? 1 : 0))
        try root.setAttribute("fit_iterations", .int64(Int64(fit.iterations)))
        try root.setAttribute("fit_reason", .string(fit.reason))
        try root.setAttribute("A", .double(analysis.line.coefficient))
        try root.setAttribute("eta", .double(analysis.eta))
        try root.setAttribute("lambda_max_threshold", .double(2 / analysis.eta))
        try root.setAttribute("zero_band", .double(analysis.zeroBand))
        try root.setAttribute("stable_interval_low", .double(analysis.stability?.lowerBound ?? .nan))
        try root.setAttribute("stable_interval_high", .double(analysis.stability?.upperBound ?? .nan))
        try root.setAttribute("prediction", .string(prediction.destination.rawValue))
        try root.setAttribute("prediction_reason", .string(prediction.reason))
        try root.setAttribute(
            "description",
            .string(
                "L = {w_1 = w_2 = w*, v_1 = gamma c*, v_2 = (1 - gamma) c*}: every point critical with E_tr = E_1; "
                    + "transverse eigenvalue = smallest eigenvalue of the Hessian across L"
            ))

        let g = analysis.grid.count
        let grid = try root.createGroup("grid")
        try describe(grid.createDataset("gamma", doubles: analysis.grid), "gamma of each grid point of L")
        try describe(
            grid.createDataset("eigenvalues", doubles: analysis.spectra, shape: [g, 4]),
            "eigenvalues of the Hessian of E_tr at L(gamma), ascending")
        try describe(
            grid.createDataset("transverse", doubles: analysis.transverse),
            "smallest eigenvalue of the Hessian restricted to the normal space of L (curvature across L)")
        try describe(
            grid.createDataset("lambda_max", doubles: analysis.largest), "largest Hessian eigenvalue at L(gamma)")
        try describe(
            root.createDataset("sign_changes", doubles: analysis.signChanges),
            "gamma where the transverse eigenvalue changes sign: grid sign changes refined by Brent's method")
        try describe(
            root.createDataset(
                "stable_segments", doubles: analysis.stableSegments.flatMap { [$0.lowerBound, $0.upperBound] },
                shape: [analysis.stableSegments.count, 2]),
            "closed gamma intervals where the transverse eigenvalue is >= 0 and lambda_max < 2/eta: GD with step eta "
                + "stays there"
        )
    }

    /// Reads a line artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        fit = WidthOneFit(
            w: try root.double("w_star"), c: try root.double("c_star"), trainingError: try root.double("E_tr"),
            gradientNorm: try root.double("fit_grad_norm"), iterations: try root.int("fit_iterations"),
            converged: try root.int("fit_converged") != 0, reason: try root.string("fit_reason"))
        coefficient = try root.double("A")
        fitGeneralizationError = try root.double("E_gen")
        eta = try root.double("eta")
        zeroBand = try root.double("zero_band")
        let (low, high) = (try root.double("stable_interval_low"), try root.double("stable_interval_high"))
        stability = low.isNaN || high.isNaN ? nil : low...high
        let group = try root.group("grid")
        grid = try group.dataset("gamma").readDoubles()
        eigenvalues = try group.dataset("eigenvalues").readDoubles()
        transverse = try group.dataset("transverse").readDoubles()
        largest = try group.dataset("lambda_max").readDoubles()
        signChanges = try root.dataset("sign_changes").readDoubles()
        let flat = try root.dataset("stable_segments").readDoubles()
        stableSegments = stride(from: 0, to: flat.count, by: 2).map { flat[$0]...flat[$0 + 1] }
        prediction = LinePrediction(
            destination: InteriorOutcome(rawValue: try root.string("prediction")) ?? .notApplicable,
            reason: try root.string("prediction_reason"))
    }

    /// The line L on `data` (the run's training set) rebuilt from the recorded fit.
    public func line(on data: TrainingSet) -> EmbeddedLine { EmbeddedLine(fit: fit, data: data) }

    /// The GD-stable segments of L for another step size η (the multistart stage's), from the
    /// recorded sign changes and a fresh `stabilityInterval(eta:)`.
    public func stableSegments(on data: TrainingSet, eta: Double) -> [ClosedRange<Double>] {
        let line = line(on: data)
        return line.stableSegments(
            signChanges: signChanges, stability: line.stabilityInterval(eta: eta), zeroBand: zeroBand)
    }
}
