import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A test-only reference for Gaussian expectations, by an algorithm unrelated to the production
/// Gauss–Legendre panels: tanh-sinh (double-exponential) quadrature with step halving until two
/// levels agree, on [0, 12] split geometrically at the pole distance.
enum TanhSinhReference {
    struct NotConverged: Error, CustomStringConvertible {
        let interval: (Double, Double)
        let lastDifference: Double
        var description: String { "tanh-sinh did not converge on \(interval): last difference \(lastDifference)" }
    }

    /// `∫_a^b g` by tanh-sinh, halving the step from 1/2 down to 2^-9.
    /// - Throws: `NotConverged` if consecutive levels never agree to `1e-15·|I| + 1e-19`.
    static func integrate(_ g: (Double) -> Double, from a: Double, to b: Double) throws -> Double {
        let half = 0.5 * (b - a)
        let tMax = 3.6
        // Sum over nodes t = k·h; odd k are new at each level.
        func term(_ t: Double) -> Double {
            let u = 0.5 * Double.pi * sinh(t)
            let weight = 0.5 * Double.pi * cosh(t) / (cosh(u) * cosh(u))
            // Distance to the nearer endpoint, without cancellation: 1 − tanh|u| = 2/(e^{2|u|} + 1).
            let gap = half * 2 / (exp(2 * abs(u)) + 1)
            let x = u >= 0 ? b - gap : a + gap
            return weight * g(x)
        }
        var h = 0.5
        var sum = term(0)
        var k = 1
        while Double(k) * h <= tMax {
            sum += term(Double(k) * h) + term(-Double(k) * h)
            k += 1
        }
        var estimate = half * h * sum
        var difference = Double.infinity
        for _ in 0..<8 {
            h *= 0.5
            var k = 1
            while Double(k) * h <= tMax {
                sum += term(Double(k) * h) + term(-Double(k) * h)
                k += 2
            }
            let next = half * h * sum
            difference = abs(next - estimate)
            estimate = next
            if difference <= 1e-15 * abs(estimate) + 1e-19 { return estimate }
        }
        throw NotConverged(interval: (a, b), lastDifference: difference)
    }

    /// `E_{x~N(0,1)}[r(x)²]` for an odd function r with poles no closer than `poleDistance` to the
    /// real axis: `2 ∫_0^12 r² φ` on the subintervals [0, d], [d, 2d], [2d, 4d], … (capped at width 1).
    static func gaussianExpectationOfSquare(_ r: (Double) -> Double, poleDistance: Double) throws -> Double {
        let density = { (x: Double) -> Double in
            let value = r(x)
            return value * value * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        }
        var edges = [0.0]
        var step = min(poleDistance, 1)
        while edges.last! < 12 {
            edges.append(min(edges.last! + step, 12))
            step = min(2 * step, 1)
        }
        var total = 0.0
        for i in 0..<(edges.count - 1) {
            total += try integrate(density, from: edges[i], to: edges[i + 1])
        }
        return 2 * total
    }

    /// The reference `E_gen(student, teacher)`.
    static func generalizationError(_ student: Network, teacher: Network) throws -> Double {
        let maxW = (student.w + teacher.w).map(abs).max()!
        let poleDistance = maxW > 0 ? Double.pi / (2 * maxW) : 1
        return try gaussianExpectationOfSquare({ student($0) - teacher($0) }, poleDistance: poleDistance)
    }
}
