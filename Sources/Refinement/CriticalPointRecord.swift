import DynamicsAnalysis
import HDF5Kit
import MLPNumerics

/// A refined critical point of `E_tr` with everything the report says about it; one HDF5 group.
///
/// Group layout (written by `write(to:)`, read by `init(_:)`):
/// datasets `theta` (2m, the refined point, columns w_1..w_m, v_1..v_m), `eigenvalues` (2m,
/// ascending, of ∇²E_tr there), `canonical_theta` (2m, `Symmetry.canonical` of the point);
/// attributes `label`, `index`, `zero_count`, `E_tr`, `E_gen`, `grad_norm`, `converged` (0/1),
/// `iterations`, `reason`, `distance_to_singular`, `nearest_singular_component`, and
/// `distance_to_optimal` — or, when the teacher is not a single neuron, `distance_to_optimal_note`
/// saying why it is absent; dataset `splitting_coefficients` (m: A_i = v_i (2/n) Σ r_k
/// tanh''(w_i x_k) x_k², the sign of the curvature across the line obtained by splitting neuron i);
/// and, when the point was located on the known sets (`LimitSetKind`), attributes `limit_set` and,
/// on the embedded line, `gamma` (folded, γ ≥ 1/2) and `gamma_stable` (0/1: in a GD-stable segment).
public struct CriticalPointRecord: Equatable {
    /// What the point stands for: "final", a phase label, "cluster 3", ...
    public var label: String
    /// The refined point θ (the last Newton iterate, converged or not).
    public var point: Network
    /// Eigenvalues of ∇²E_tr at `point`, ascending (empty if the Hessian was not finite).
    public var eigenvalues: [Double]
    /// Number of eigenvalues < −τ (see `EigenvalueTolerance`).
    public var index: Int
    /// Number of eigenvalues with |λ| ≤ τ.
    public var zeroCount: Int
    public var trainingError: Double
    public var generalizationError: Double
    /// ‖∇E_tr‖₂ at `point`.
    public var gradientNorm: Double
    /// Whether the refinement met its gradient tolerance.
    public var converged: Bool
    /// Accepted Newton steps.
    public var iterations: Int
    /// Why the refinement stopped (`RefinementStopReason` raw value).
    public var reason: String
    /// The canonical representative of the point's symmetry orbit.
    public var canonical: Network
    /// dist(θ, singular set) and the nearest component ("w_1 = 0", ...).
    public var distanceToSingular: Double
    public var nearestSingularComponent: String
    /// dist(θ, optimal region); nil when the teacher is not one neuron (not implemented there).
    public var distanceToOptimal: Double?
    /// `A_i` per neuron (`WidthOneFit.splittingCoefficients`); empty when not computed.
    public var splittingCoefficients: [Double]
    /// The known set the point lies on (`LimitSetKind` raw value), nil when not located.
    public var limitSet: String?
    /// γ on the embedded line (folded, ≥ 1/2) and whether it is in a GD-stable segment.
    public var gamma: Double?
    public var gammaStable: Bool?

    public init(
        label: String, point: Network, eigenvalues: [Double], index: Int, zeroCount: Int,
        trainingError: Double, generalizationError: Double, gradientNorm: Double, converged: Bool,
        iterations: Int, reason: String, canonical: Network, distanceToSingular: Double,
        nearestSingularComponent: String, distanceToOptimal: Double?, splittingCoefficients: [Double] = [],
        limitSet: String? = nil, gamma: Double? = nil, gammaStable: Bool? = nil
    ) {
        self.label = label
        self.point = point
        self.eigenvalues = eigenvalues
        self.index = index
        self.zeroCount = zeroCount
        self.trainingError = trainingError
        self.generalizationError = generalizationError
        self.gradientNorm = gradientNorm
        self.converged = converged
        self.iterations = iterations
        self.reason = reason
        self.canonical = canonical
        self.distanceToSingular = distanceToSingular
        self.nearestSingularComponent = nearestSingularComponent
        self.distanceToOptimal = distanceToOptimal
        self.splittingCoefficients = splittingCoefficients
        self.limitSet = limitSet
        self.gamma = gamma
        self.gammaStable = gammaStable
    }

    /// A record for a refined point, deriving E_tr, E_gen, the canonical form and the distances.
    /// - Parameters:
    ///   - data: the training set E_tr is measured on.
    ///   - teacher: f*; the distance to the optimal region needs a one-neuron teacher with
    ///     w*, v* ≠ 0 and width ≤ `Regions.maximumOptimalRegionWidth`, else it is nil.
    ///   - the rest: the refinement's outcome (`CriticalPointRefinement` and its analysis).
    public init(
        label: String, point: Network, eigenvalues: [Double], index: Int, zeroCount: Int,
        gradientNorm: Double, converged: Bool, iterations: Int, reason: String,
        data: TrainingSet, teacher: Network
    ) {
        let singular = Regions.singularSet(point)
        self.init(
            label: label, point: point, eigenvalues: eigenvalues, index: index, zeroCount: zeroCount,
            trainingError: TrainingError.value(point, on: data),
            generalizationError: GeneralizationError.value(point, teacher: teacher),
            gradientNorm: gradientNorm, converged: converged, iterations: iterations, reason: reason,
            canonical: Symmetry.canonical(point), distanceToSingular: singular.distance,
            nearestSingularComponent: singular.component.description,
            distanceToOptimal: CriticalPointRecord.optimalDistanceApplies(teacher: teacher, width: point.width)
                ? Regions.optimalRegion(point, teacher: teacher).distance : nil,
            splittingCoefficients: WidthOneFit.splittingCoefficients(point, on: data))
    }

    /// Whether `Regions.optimalRegion` is defined for this teacher and width.
    public static func optimalDistanceApplies(teacher: Network, width: Int) -> Bool {
        teacher.width == 1 && teacher.w[0] != 0 && teacher.v[0] != 0 && width <= Regions.maximumOptimalRegionWidth
    }

    static let optimalNote =
        "not computed: the optimal-region distance is implemented for a one-neuron teacher with w*, v* ≠ 0 and width "
        + "≤ "
        + "\(Regions.maximumOptimalRegionWidth)"

    /// Writes the record into `group` (see the type's layout).
    /// - Throws: `HDF5Error` if a member already exists.
    public func write(to group: HDF5Group) throws {
        let columns = Network.columnNames(width: point.width)
        try group.createDataset("theta", doubles: point.flat).setAttribute("columns", .string(columns))
        try group.createDataset("eigenvalues", doubles: eigenvalues)
            .setAttribute("description", .string("eigenvalues of the Hessian of E_tr at theta, ascending"))
        try group.createDataset("canonical_theta", doubles: canonical.flat)
            .setAttribute(
                "description",
                .string("canonical representative of the symmetry orbit of theta (w_i > 0, neurons sorted)"))
        try group.setAttribute("label", .string(label))
        try group.setAttribute("index", .int64(Int64(index)))
        try group.setAttribute("zero_count", .int64(Int64(zeroCount)))
        try group.setAttribute("E_tr", .double(trainingError))
        try group.setAttribute("E_gen", .double(generalizationError))
        try group.setAttribute("grad_norm", .double(gradientNorm))
        try group.setAttribute("converged", .int64(converged ? 1 : 0))
        try group.setAttribute("iterations", .int64(Int64(iterations)))
        try group.setAttribute("reason", .string(reason))
        try group.setAttribute("distance_to_singular", .double(distanceToSingular))
        try group.setAttribute("nearest_singular_component", .string(nearestSingularComponent))
        if let distanceToOptimal {
            try group.setAttribute("distance_to_optimal", .double(distanceToOptimal))
        } else {
            try group.setAttribute("distance_to_optimal_note", .string(Self.optimalNote))
        }
        try group.createDataset("splitting_coefficients", doubles: splittingCoefficients)
            .setAttribute(
                "description",
                .string(
                    "A_i = v_i (2/n) sum_k r_k tanh''(w_i x_k) x_k^2 per neuron: splitting neuron i into gamma v_i and "
                        + "(1 - gamma) v_i gives a line of critical points whose curvature across it has the sign of "
                        + "gamma (1 - gamma) A_i"
                ))
        if let limitSet { try group.setAttribute("limit_set", .string(limitSet)) }
        if let gamma { try group.setAttribute("gamma", .double(gamma)) }
        if let gammaStable { try group.setAttribute("gamma_stable", .int64(gammaStable ? 1 : 0)) }
    }

    /// Reads a record written by `write(to:)`.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading group: HDF5Group) throws {
        let distance: Double? =
            try group.hasAttribute("distance_to_optimal") ? try group.double("distance_to_optimal") : nil
        self.init(
            label: try group.string("label"), point: Network(flat: try group.dataset("theta").readDoubles()),
            eigenvalues: try group.dataset("eigenvalues").readDoubles(),
            index: try group.int("index"), zeroCount: try group.int("zero_count"),
            trainingError: try group.double("E_tr"), generalizationError: try group.double("E_gen"),
            gradientNorm: try group.double("grad_norm"), converged: try group.int("converged") != 0,
            iterations: try group.int("iterations"), reason: try group.string("reason"),
            canonical: Network(flat: try group.dataset("canonical_theta").readDoubles()),
            distanceToSingular: try group.double("distance_to_singular"),
            nearestSingularComponent: try group.string("nearest_singular_component"),
            distanceToOptimal: distance,
            splittingCoefficients: try group.memberNames().contains("splitting_coefficients")
                ? try group.dataset("splitting_coefficients").readDoubles() : [],
            limitSet: try group.hasAttribute("limit_set") ? try group.string("limit_set") : nil,
            gamma: try group.hasAttribute("gamma") ? try group.double("gamma") : nil,
            gammaStable: try group.hasAttribute("gamma_stable") ? try group.int("gamma_stable") != 0 : nil)
    }
}

extension CriticalPointRecord {
    /// The record of a limit point located on its set.
    public init(label: String, limit: LimitPoint, data: TrainingSet, teacher: Network) {
        self.init(
            label: label, point: limit.point, eigenvalues: limit.eigenvalues, index: limit.index,
            zeroCount: limit.zeroCount,
            gradientNorm: limit.gradientNorm, converged: limit.converged, iterations: limit.iterations,
            reason: limit.converged ? "converged (\(limit.method))" : "not converged (\(limit.method))", data: data,
            teacher: teacher)
        limitSet = limit.kind.rawValue
        gamma = limit.gamma
        gammaStable = limit.gammaStable
    }

    /// The record of a refinement's outcome.
    public init(label: String, refinement: CriticalPointRefinement, data: TrainingSet, teacher: Network) {
        self.init(
            label: label, point: Network(flat: refinement.point),
            eigenvalues: refinement.analysis?.spectrum.values ?? [],
            index: refinement.analysis?.index ?? -1, zeroCount: refinement.analysis?.zeroCount ?? -1,
            gradientNorm: refinement.gradientNorm, converged: refinement.converged, iterations: refinement.iterations,
            reason: refinement.reason.rawValue, data: data, teacher: teacher)
    }
}
