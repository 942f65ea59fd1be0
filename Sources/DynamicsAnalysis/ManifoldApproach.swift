import LinearAlgebra
import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// How a run ends on the optimal manifold M of a one-neuron teacher (noiseless data), where Newton's
/// method cannot converge: the Hessian is singular along M, and GD approaches M's degenerate points
/// like a power of t, not exponentially.
///
/// The point of M the run approaches is θ_T's orthogonal projection onto M's nearest affine piece
/// (`Regions.optimalRegion`); there the Hessian of E_tr is `J^T J` (the residuals vanish), so its
/// zero eigenvectors span the kernel of J, which holds the piece's tangent space (moving along M keeps
/// f = f*). The principal angles between the two say which zero directions lie along M; the others
/// cross it (f changes only at second order there: the quartic valley that makes the approach slow).
/// The rate is the exponent α of `dist(θ_t, M) ∝ t^(−α)`, fitted by least squares in log–log over the
/// last decade of the run.
public struct ManifoldApproach: Sendable {
    /// The point of M the run approaches (θ_T projected onto the nearest piece).
    public let point: Network
    /// `‖θ_T − point‖`.
    public let distance: Double
    /// The nearest affine piece of M and its dimension.
    public let piece: [OptimalRegionBlock]
    public let tangentDimension: Int
    /// The Hessian of E_tr at `point`: spectrum (ascending), index and zero count.
    public let analysis: HessianAnalysis
    /// The cosines of the principal angles between the piece's tangent space and the Hessian's zero
    /// eigenspace, descending (min(tangent dimension, zero count) of them; 1: a direction of M in the kernel).
    public let kernelTangentCosines: [Double]
    /// α in `dist(θ_t, M) ∝ t^(−α)` over `rateWindow`, with the number of log-grid points used; nil when
    /// the window holds fewer than three points with positive distance.
    public let rateExponent: Double?
    public let rateWindow: ClosedRange<Double>
    public let ratePoints: Int
    /// How far the projection onto M moved over the same window: the uncertainty of `point` along M.
    public let projectionDrift: Double

    /// A principal cosine this close to 1 counts as a direction of M inside the zero eigenspace.
    public static let tangentThreshold = 1 - 1e-6

    /// The approach of a run ending at `final` near M.
    /// - Parameters:
    ///   - final: θ_T.
    ///   - times, trajectory: the run's log grid, t ascending with `trajectory[k]` = θ at `times[k]`.
    ///   - teacher: the one-neuron teacher whose M it is (`Regions.optimalRegion`'s preconditions).
    ///   - data: the training set (noiseless: M is its set of global minima).
    ///   - tolerance: how eigenvalues are classified as zero.
    /// - Throws: `SymmetricEigenError` when the Hessian at the point is not finite.
    public init(
        final: Network, times: [Double], trajectory: [Network], teacher: Network, data: TrainingSet,
        tolerance: EigenvalueTolerance
    ) throws {
        precondition(times.count == trajectory.count, "one time per trajectory point")
        let projection = Regions.optimalRegion(final, teacher: teacher)
        let point = projection.nearest
        let basis = Self.tangentBasis(of: projection.blocks, width: final.width)
        let analysis = try HessianAnalysis(
            point: point.flat, gradient: TrainingError.gradient(point, on: data),
            hessian: TrainingError.hessian(point, on: data), tolerance: tolerance, alignmentDepth: 0)
        let spectrum = analysis.spectrum
        let kernel = spectrum.values.indices.filter { abs(spectrum.values[$0]) <= analysis.tolerance }
            .map { spectrum.vectors[$0] }
        kernelTangentCosines = try Self.principalCosines(basis, kernel)
        (self.point, self.analysis, distance, piece, tangentDimension) =
            (point, analysis, projection.distance, projection.blocks, basis.count)

        let end = times.last ?? 0
        let window = times.indices.filter { times[$0] >= end / 10 }
        let distances = window.map { Regions.optimalRegion(trajectory[$0], teacher: teacher).distance }
        let usable = zip(window, distances).filter { $0.1 > 0 }
        rateWindow = (end / 10)...end
        ratePoints = usable.count
        rateExponent =
            usable.count >= 3
            ? -Self.slope(usable.map { log(times[$0.0]) }, usable.map { log($0.1) }) : nil
        projectionDrift =
            window.first.map {
                Dense.distance(Regions.optimalRegion(trajectory[$0], teacher: teacher).nearest.flat, point.flat)
            } ?? 0
    }

    /// The zero directions along M (principal cosine ≥ `tangentThreshold`) and across it (the rest).
    public static func directions(cosines: [Double], zeroCount: Int) -> (along: Int, across: Int) {
        let along = cosines.filter { $0 >= tangentThreshold }.count
        return (along, zeroCount - along)
    }

    /// The cosines of the principal angles between the spans of two orthonormal families, descending: the
    /// singular values of AᵀB, as square roots of the eigenvalues of (AᵀB)(AᵀB)ᵀ.
    static func principalCosines(_ a: [[Double]], _ b: [[Double]]) throws -> [Double] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        let products = a.map { u in b.map { Dense.dot(u, $0) } }
        let gram = a.indices.flatMap { i in a.indices.map { j in Dense.dot(products[i], products[j]) } }
        let values = try SymmetricEigen.decompose(gram, dimension: a.count).values
        return values.reversed().prefix(min(a.count, b.count)).map { min(1, max(0, $0).squareRoot()) }
    }

    /// An orthonormal basis (columns w_1..w_m, v_1..v_m) of the directions of the affine piece:
    /// per teacher block the v's keeping `Σ s_i v_i` fixed; per cancelling block the same and the common
    /// `w_i = s_i u`; per silent neuron its v.
    public static func tangentBasis(of blocks: [OptimalRegionBlock], width m: Int) -> [[Double]] {
        var spanning: [[Double]] = []
        func unit(_ entries: [(Int, Double)]) -> [Double] {
            var e = [Double](repeating: 0, count: 2 * m)
            for (i, value) in entries { e[i] = value }
            return e
        }
        for block in blocks {
            switch block {
            case .teacher(let neurons, let signs), .cancelling(let neurons, let signs):
                for j in neurons.indices.dropFirst() {
                    spanning.append(unit([(m + neurons[0], signs[0]), (m + neurons[j], -signs[j])]))
                }
                if case .cancelling = block {
                    spanning.append(unit(zip(neurons, signs).map { ($0, $1) }))
                }
            case .silent(let i):
                spanning.append(unit([(m + i, 1)]))
            }
        }
        // Gram–Schmidt: the spanning vectors are independent (disjoint blocks, distinct neurons).
        var basis: [[Double]] = []
        for vector in spanning {
            var u = vector
            for b in basis {
                let c = Dense.dot(u, b)
                u = zip(u, b).map { $0 - c * $1 }
            }
            let norm = Dense.norm(u)
            basis.append(u.map { $0 / norm })
        }
        return basis
    }

    /// The least-squares slope of y against x.
    static func slope(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        let sxy = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        let sxx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
        return sxy / sxx
    }
}
