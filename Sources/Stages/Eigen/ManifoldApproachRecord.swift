import DynamicsAnalysis
import HDF5Kit
import MLPNumerics

/// How the run ends on the optimal manifold M (`ManifoldApproach`), as the eigen artifact keeps it in
/// `/critical/final_approach` when Newton could not refine θ_T and θ_T lies on M within `eigen.set_tolerance`.
///
/// Attributes `distance` (‖θ_T − point‖), `piece` (M's nearest affine piece), `tangent_dimension`,
/// `rate_exponent` (α in dist(θ_t, M) ∝ t^(−α); absent with `rate_note` when it could not be fitted),
/// `rate_window` (t range), `rate_points`, `projection_drift`, `newton_reason`, `newton_grad_norm`;
/// datasets `theta_T`, `zero_eigenvalues` and `kernel_tangent_cosines` (principal cosines between M's
/// tangent space and the zero eigenspace).
public struct ManifoldApproachRecord: Equatable, Sendable {
    public var distance: Double
    public var piece: String
    public var tangentDimension: Int
    public var rateExponent: Double?
    public var rateWindow: [Double]
    public var ratePoints: Int
    public var projectionDrift: Double
    public var zeroEigenvalues: [Double]
    public var kernelTangentCosines: [Double]
    /// θ_T, and why Newton stopped there with the gradient norm it reached.
    public var finalPoint: [Double]
    public var newtonReason: String
    public var newtonGradientNorm: Double

    public init(_ approach: ManifoldApproach, final: Network, newtonReason: String, newtonGradientNorm: Double) {
        let values = approach.analysis.spectrum.values
        distance = approach.distance
        piece = Self.describe(approach.piece)
        tangentDimension = approach.tangentDimension
        rateExponent = approach.rateExponent
        rateWindow = [approach.rateWindow.lowerBound, approach.rateWindow.upperBound]
        ratePoints = approach.ratePoints
        projectionDrift = approach.projectionDrift
        zeroEigenvalues = values.filter { abs($0) <= approach.analysis.tolerance }
        kernelTangentCosines = approach.kernelTangentCosines
        finalPoint = final.flat
        self.newtonReason = newtonReason
        self.newtonGradientNorm = newtonGradientNorm
    }

    /// Zero directions along M and across it (`ManifoldApproach.directions`).
    public var zeroDirections: (along: Int, across: Int) {
        ManifoldApproach.directions(cosines: kernelTangentCosines, zeroCount: zeroEigenvalues.count)
    }

    /// "w_1 = w*, w_2 = −w*, v_1 − v_2 = v*": the piece's equations, neurons numbered from 1.
    static func describe(_ blocks: [OptimalRegionBlock]) -> String {
        func signed(_ s: Double, _ name: String, first: Bool) -> String {
            s < 0 ? (first ? "−" : " − ") + name : (first ? "" : " + ") + name
        }
        return blocks.map { block -> String in
            switch block {
            case .teacher(let neurons, let signs), .cancelling(let neurons, let signs):
                let isTeacher: Bool
                if case .teacher = block { isTeacher = true } else { isTeacher = false }
                let u = isTeacher ? "w*" : "u"
                let ws = zip(neurons, signs).map { "w_\($0 + 1) = " + signed($1, u, first: true) }
                let sum = zip(neurons, signs).enumerated().map { signed($1.1, "v_\($1.0 + 1)", first: $0 == 0) }
                return (ws + [sum.joined() + (isTeacher ? " = v*" : " = 0")]).joined(separator: ", ")
            case .silent(let i):
                return "w_\(i + 1) = 0"
            }
        }.joined(separator: "; ")
    }

    func write(to group: HDF5Group) throws {
        try group.setAttribute(
            "description",
            .string(
                "theta_T located on the optimal manifold M where Newton cannot converge (the Hessian is singular "
                    + "along M): the point of M (/critical/final) is theta_T's orthogonal projection onto M's nearest "
                    + "affine piece; the zero eigenvectors there split into directions along M and across it"))
        try group.setAttribute("distance", .double(distance))
        try group.setAttribute("piece", .string(piece))
        try group.setAttribute("tangent_dimension", .int64(Int64(tangentDimension)))
        if let rateExponent {
            try group.setAttribute("rate_exponent", .double(rateExponent))
        } else {
            try group.setAttribute("rate_note", .string("fewer than three log-grid points with dist > 0 in the window"))
        }
        try group.setAttribute("rate_window", .doubles(rateWindow))
        try group.setAttribute("rate_points", .int64(Int64(ratePoints)))
        try group.setAttribute("projection_drift", .double(projectionDrift))
        try group.setAttribute("newton_reason", .string(newtonReason))
        try group.setAttribute("newton_grad_norm", .double(newtonGradientNorm))
        try group.createDataset("theta_T", doubles: finalPoint)
            .setAttribute("description", .string("the run's last point"))
        try group.createDataset("zero_eigenvalues", doubles: zeroEigenvalues)
            .setAttribute("description", .string("eigenvalues of the Hessian at the point of M with |lambda| <= tau"))
        try group.createDataset("kernel_tangent_cosines", doubles: kernelTangentCosines)
            .setAttribute(
                "description",
                .string(
                    "cosines of the principal angles between the tangent space of M's piece and the zero eigenspace, "
                        + "descending: each ~1 is a zero direction along M; the other zero directions cross M (f "
                        + "changes at second order only)"))
    }

    init(reading group: HDF5Group) throws {
        distance = try group.double("distance")
        piece = try group.string("piece")
        tangentDimension = try group.int("tangent_dimension")
        rateExponent = try group.hasAttribute("rate_exponent") ? try group.double("rate_exponent") : nil
        rateWindow = try group.doubles("rate_window")
        ratePoints = try group.int("rate_points")
        projectionDrift = try group.double("projection_drift")
        newtonReason = try group.string("newton_reason")
        newtonGradientNorm = try group.double("newton_grad_norm")
        finalPoint = try group.dataset("theta_T").readDoubles()
        zeroEigenvalues = try group.dataset("zero_eigenvalues").readDoubles()
        kernelTangentCosines = try group.dataset("kernel_tangent_cosines").readDoubles()
    }
}
