import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The best width-1 network `c*·tanh(w* x)` for a training set, and the splitting coefficients
/// that decide whether duplicating a neuron of a critical point gives a saddle.
public struct WidthOneFit: Equatable, Sendable {
    /// `w* ≥ 0` (the sign flip `(w, c) → (−w, −c)` is fixed so that w* ≥ 0).
    public let w: Double
    public let c: Double
    /// `E_tr` of the width-1 network: the value of `E_tr` on every point of the embedded line.
    public let trainingError: Double
    /// `‖∇E_tr‖` of the width-1 problem at (w*, c*).
    public let gradientNorm: Double
    /// Newton iterations after the scan.
    public let iterations: Int
    /// Whether `gradientNorm < ` the refiner's tolerance.
    public let converged: Bool
    /// Why Newton stopped (`RefinementStopReason` raw value).
    public let reason: String

    public init(
        w: Double, c: Double, trainingError: Double, gradientNorm: Double, iterations: Int, converged: Bool,
        reason: String
    ) {
        self.w = w
        self.c = c
        self.trainingError = trainingError
        self.gradientNorm = gradientNorm
        self.iterations = iterations
        self.converged = converged
        self.reason = reason
    }

    public var network: Network { Network(w: [w], v: [c]) }

    /// The global minimizer of `E_1(w, c) = (1/n) Σ (c tanh(w x_k) − y_k)²`.
    ///
    /// For fixed w the best c is linear least squares, `c(w) = Σ y t / Σ t²` (t = tanh(w x)), so
    /// `E_1` reduces to the profile `P(w) = mean(y²) − (Σ y t)² / (n Σ t²)`, even in w. The profile
    /// is scanned on `scanPoints` log-spaced w in `[scanRange.lowerBound, scanRange.upperBound]`;
    /// Newton (`CriticalPointRefiner`, width 1) then refines the best scan point to
    /// `‖∇E_1‖ < settings.gradientTolerance`. Scanning first makes the result the global
    /// minimizer over the scanned range, not whichever local minimum Newton happens to reach.
    /// - Precondition: `scanPoints ≥ 2` and `0 < scanRange.lowerBound < scanRange.upperBound`.
    public static func fit(
        _ data: TrainingSet, settings: CriticalPointRefinerSettings,
        scanPoints: Int, scanRange: ClosedRange<Double>
    ) -> WidthOneFit {
        precondition(scanPoints >= 2 && scanRange.lowerBound > 0, "the scan needs ≥ 2 points on a positive range")
        let n = Double(data.count)
        let meanSquare = data.y.reduce(0) { $0 + $1 * $1 } / n
        var best = (w: scanRange.lowerBound, c: 0.0, value: Double.infinity)
        let span = log(scanRange.upperBound / scanRange.lowerBound)
        for j in 0..<scanPoints {
            let w = scanRange.lowerBound * exp(span * Double(j) / Double(scanPoints - 1))
            var ty = 0.0, tt = 0.0
            for k in 0..<data.count {
                let t = tanh(w * data.x[k])
                ty += t * data.y[k]
                tt += t * t
            }
            guard tt > 0 else { continue }
            let value = meanSquare - ty * ty / (n * tt)
            if value < best.value { best = (w, ty / tt, value) }
        }
        let refinement = CriticalPointRefiner.refine(Network(w: [best.w], v: [best.c]), on: data, settings: settings)
        var (w, c) = (refinement.point[0], refinement.point[1])
        if w < 0 { (w, c) = (-w, -c) }
        return WidthOneFit(
            w: w + 0, c: c + 0, trainingError: refinement.value, gradientNorm: refinement.gradientNorm,
            iterations: refinement.iterations, converged: refinement.converged, reason: refinement.reason.rawValue)
    }

    /// The splitting coefficient of every neuron of `net`:
    /// `A_i = v_i · (2/n) Σ_k r_k · tanh''(w_i x_k) · x_k²`, `r_k = f(x_k; θ) − y_k`,
    /// `tanh''(u) = −2 tanh(u) (1 − tanh²(u))`.
    ///
    /// At a critical point θ, splitting neuron i into two copies with output weights `γ v_i` and
    /// `(1 − γ) v_i` gives a line of critical points whose curvature across the line has the sign
    /// of `γ(1 − γ)·A_i` (Fukumizu & Amari 2000). For a width-1 fit this is the coefficient A of
    /// the embedded line.
    public static func splittingCoefficients(_ net: Network, on data: TrainingSet) -> [Double] {
        let m = net.width
        var sums = [Double](repeating: 0, count: m)
        for k in 0..<data.count {
            let x = data.x[k]
            let r = net(x) - data.y[k]
            for i in 0..<m {
                let t = tanh(net.w[i] * x)
                sums[i] += r * (-2 * t * (1 - t * t)) * x * x
            }
        }
        let scale = 2 / Double(data.count)
        return (0..<m).map { net.v[$0] * sums[$0] * scale }
    }

    /// A of this fit: `splittingCoefficients(c*·tanh(w* x))[0]`.
    public func coefficient(on data: TrainingSet) -> Double {
        WidthOneFit.splittingCoefficients(network, on: data)[0]
    }
}
