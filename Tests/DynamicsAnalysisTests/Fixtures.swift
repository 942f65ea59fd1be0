import DynamicsAnalysis
import Foundation
import MLPNumerics
import TestSupport

/// Test fixtures: seeded teacher datasets and plain GD, built only from MLPNumerics.
enum Fixtures {
    /// n inputs `x ~ N(0,1)` and labels `y = 2 tanh(x) + σ ε` from one seeded stream; the same x
    /// for every σ (inputs are drawn first, then the noise).
    static func teacherData(n: Int = 100, sigma: Double, seed: UInt64 = 2026) -> TrainingSet {
        var rng = PortableRandom(seed: seed)
        let x = (0..<n).map { _ in rng.nextNormal() }
        let noise = (0..<n).map { _ in rng.nextNormal() }
        let y: [Double] = (0..<n).map { k in 2 * tanh(x[k]) + sigma * noise[k] }
        return TrainingSet(x: x, y: y)
    }

    /// The best width-1 fit with the schema's `line.scan_*` settings and the default Newton settings.
    static func widthOneFit(_ data: TrainingSet) -> WidthOneFit {
        let range = schemaDefault("line.scan_range") as! [Double]
        return WidthOneFit.fit(
            data, settings: CriticalPointRefinerSettings(), scanPoints: schemaDefault("line.scan_points") as! Int,
            scanRange: range[0]...range[1])
    }

    /// The paper's initial point θ₀ = (w, v) = ((−0.13, 0.13), (0.16, −0.15)).
    static let paperStart = Network(w: [-0.13, 0.13], v: [0.16, -0.15])

    /// `steps` full-batch GD steps `θ ← θ − η ∇E_tr(θ)`.
    static func gradientDescent(_ net: Network, on data: TrainingSet, eta: Double, steps: Int) -> Network {
        var theta = net.flat
        for _ in 0..<steps {
            let g = TrainingError.gradient(Network(flat: theta), on: data)
            for i in theta.indices { theta[i] -= eta * g[i] }
        }
        return Network(flat: theta)
    }
}

/// `F(x) = ½ xᵀAx − bᵀx`: gradient `Ax − b`, Hessian A.
struct Quadratic: TwiceDifferentiableObjective {
    let a: [Double]
    let b: [Double]
    var dimension: Int { b.count }
    func value(at x: [Double]) -> Double {
        let g = gradient(at: x)
        // ½xᵀAx − bᵀx = ½ xᵀ(Ax − b) − ½ bᵀx.
        var s = 0.0
        for i in 0..<dimension { s += 0.5 * x[i] * g[i] - 0.5 * b[i] * x[i] }
        return s
    }
    func gradient(at x: [Double]) -> [Double] {
        var g = b.map { -$0 }
        for i in 0..<dimension { for j in 0..<dimension { g[i] += a[i * dimension + j] * x[j] } }
        return g
    }
    func hessian(at x: [Double]) -> [Double] { a }
}

/// `f(x, y) = x⁴/4 − x²/2 + y²/2`: minima (±1, 0), saddle (0, 0).
struct DoubleWell: TwiceDifferentiableObjective {
    var dimension: Int { 2 }
    func value(at p: [Double]) -> Double { p[0] * p[0] * p[0] * p[0] / 4 - p[0] * p[0] / 2 + p[1] * p[1] / 2 }
    func gradient(at p: [Double]) -> [Double] { [p[0] * p[0] * p[0] - p[0], p[1]] }
    func hessian(at p: [Double]) -> [Double] { [3 * p[0] * p[0] - 1, 0, 0, 1] }
}

/// Rosenbrock `(1 − x)² + 100 (y − x²)²`: unique minimum (1, 1).
struct Rosenbrock: TwiceDifferentiableObjective {
    var dimension: Int { 2 }
    func value(at p: [Double]) -> Double { (1 - p[0]) * (1 - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]) }
    func gradient(at p: [Double]) -> [Double] {
        [-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] * p[0]), 200 * (p[1] - p[0] * p[0])]
    }
    func hessian(at p: [Double]) -> [Double] {
        let hxy = -400 * p[0]
        return [2 - 400 * p[1] + 1200 * p[0] * p[0], hxy, hxy, 200]
    }
}

/// Himmelblau `(x² + y − 11)² + (x + y² − 7)²`: four minima (value 0), four saddles, one maximum.
struct Himmelblau: TwiceDifferentiableObjective {
    var dimension: Int { 2 }
    func value(at p: [Double]) -> Double {
        let a = p[0] * p[0] + p[1] - 11, b = p[0] + p[1] * p[1] - 7
        return a * a + b * b
    }
    func gradient(at p: [Double]) -> [Double] {
        let a = p[0] * p[0] + p[1] - 11, b = p[0] + p[1] * p[1] - 7
        return [4 * p[0] * a + 2 * b, 2 * a + 4 * p[1] * b]
    }
    func hessian(at p: [Double]) -> [Double] {
        let a = p[0] * p[0] + p[1] - 11, b = p[0] + p[1] * p[1] - 7
        let hxy = 4 * p[0] + 4 * p[1]
        return [4 * a + 8 * p[0] * p[0] + 2, hxy, hxy, 2 + 4 * b + 8 * p[1] * p[1]]
    }
}

extension PhaseDetectionSettings {
    /// The schema defaults of `pipeline.json`'s `phases` section (the one place they live).
    static let schemaDefaults = PhaseDetectionSettings(
        slopeWindowDecades: schemaDefault("phases.slope_window_decades") as! Double,
        fastDropSlope: schemaDefault("phases.fast_drop_slope") as! Double,
        gradientTolerance: schemaDefault("phases.gradient_tolerance") as! Double,
        minimumSegmentPoints: schemaDefault("phases.minimum_segment_points") as! Int)
}
