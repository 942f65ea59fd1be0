import MLPNumerics

/// Whether one run shows the paper's saddle–saddle–attractor scheme (Fig. 2): a plateau, then a
/// near-optimal saddle that is the best width-k fit embedded in width m (k the teacher's width: the
/// teacher as the data shows it), then an escape to an overfitting attractor — a minimum below that fit
/// in E_tr (the extra units fit the noise) and above it in E_gen.
///
/// On noiseless data (D_0) the best width-k fit is the teacher itself, a global minimum: the run then
/// reaches it (`fitTime`) and stays (`endsAtFit`), and the scheme cannot appear.
public struct SchemeCheck: Equatable, Sendable {
    /// The run starts on a plateau (its first phase segment).
    public let plateau: Bool
    /// The first refined plateau or near-optimal point that is the embedded best width-k fit: its grid
    /// time and Hessian index (≥ 1: a saddle); nil when the run passes no such point.
    public let fitTime: Int?
    public let fitIndex: Int?
    /// At the run's last grid point T: the Hessian index, E_tr and E_gen.
    public let finalIndex: Int
    public let finalTrainingError: Double
    public let finalGeneralizationError: Double
    /// The Hessian index of each phase segment in time order, repeats merged: 3 → 2 → 1 → 0, or
    /// 3 → 2 → 3 → 2 when the run climbs back to a saddle of higher index.
    public let indexSequence: [Int]
    /// What every start of one data set is checked against.
    public let reference: Reference

    /// The best width-k fit of the data and the scales the checks use: computed once per data set.
    public struct Reference: Equatable, Sendable {
        public let fit: Network
        /// E_tr and E_gen of the fit.
        public let trainingError: Double
        public let generalizationError: Double
        /// E_tr at the origin (f ≡ 0): mean y², the scale of E_tr.
        public let originTrainingError: Double

        public init(fit: Network, trainingError: Double, generalizationError: Double, originTrainingError: Double) {
            (self.fit, self.trainingError, self.generalizationError) = (fit, trainingError, generalizationError)
            self.originTrainingError = originTrainingError
        }

        /// - Parameter teacher: f*, for E_gen.
        public init(fit: Network, data: TrainingSet, teacher: Network) {
            self.init(
                fit: fit, trainingError: TrainingError.value(fit, on: data),
                generalizationError: GeneralizationError.value(fit, teacher: teacher),
                originTrainingError: data.y.map { $0 * $0 }.reduce(0, +) / Double(data.count))
        }
    }

    /// The check's values as a record keeps them (its verdicts follow from these).
    public init(
        plateau: Bool, fitTime: Int?, fitIndex: Int?, finalIndex: Int, finalTrainingError: Double,
        finalGeneralizationError: Double, indexSequence: [Int], reference: Reference
    ) {
        (self.plateau, self.fitTime, self.fitIndex, self.finalIndex) = (plateau, fitTime, fitIndex, finalIndex)
        (self.finalTrainingError, self.finalGeneralizationError) = (finalTrainingError, finalGeneralizationError)
        (self.indexSequence, self.reference) = (indexSequence, reference)
    }

    /// Two functions are the same when E_x(f − g)² is below this (refined critical points agree to ~1e-20).
    public static let sameFunction = 1e-10

    /// - Parameters:
    ///   - run: the run's log-grid record.
    ///   - plateaus: its refined points (`refinedPlateaus`), the final one last.
    ///   - report: its phase report (nil: no plateau, no index sequence).
    ///   - reference: the best width-k fit of the run's data, with its errors.
    public init(run: SaddleToSaddleRun, plateaus: [RefinedPlateau], report: PhaseReport?, reference: Reference) {
        let fit = reference.fit
        plateau = report?.segments.first?.phase == .plateau
        let embeddedFit = plateaus.first { plateau in
            guard plateau.phase != "final", plateau.refinement.converged, let reduced = plateau.type.reduced,
                reduced.width == fit.width
            else { return false }
            return GeneralizationError.value(reduced, teacher: fit) <= Self.sameFunction
        }
        fitTime = embeddedFit.map { run.t[$0.gridIndex] }
        fitIndex = embeddedFit.map { $0.refinement.analysis?.index ?? -1 }
        let last = run.t.count - 1
        finalIndex = run.index[last]
        finalTrainingError = run.trainingError[last]
        finalGeneralizationError = run.generalizationError[last]
        indexSequence = (report?.segments.map(\.index) ?? []).reduce(into: []) { sequence, index in
            if sequence.last != index { sequence.append(index) }
        }
        self.reference = reference
    }

    /// The run passes the embedded best fit as a saddle (index ≥ 1).
    public var nearOptimalSaddle: Bool { (fitIndex ?? 0) >= 1 }

    /// The run ends at a minimum (index 0 at T) below the fit in E_tr and above it in E_gen.
    public var overfittingAttractor: Bool {
        finalIndex == 0 && finalTrainingError < reference.trainingError * (1 - 1e-9)
            && finalGeneralizationError > reference.generalizationError
    }

    /// The run ends at the fit's E_tr (within 10⁻⁶ of E_tr's scale, mean y²): at the embedded fit, e.g. on
    /// M for D_0, where GD approaches a manifold of minima like a power of t.
    public var endsAtFit: Bool {
        abs(finalTrainingError - reference.trainingError) <= 1e-6 * reference.originTrainingError
    }

    /// The scheme: a plateau, the embedded best fit passed as a saddle, then an overfitting attractor.
    public var appears: Bool { plateau && nearOptimalSaddle && overfittingAttractor }
}
