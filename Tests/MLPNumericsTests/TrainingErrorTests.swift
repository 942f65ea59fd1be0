import MLPNumerics
import XCTest

final class TrainingErrorTests: XCTestCase {
    /// n = 100 inputs x ~ N(0, 1) with labels 2 tanh(x) + 0.2 ε.
    private func randomData(_ rng: inout PortableRandom) -> TrainingSet {
        let x = (0..<100).map { _ in rng.nextNormal() }
        return TrainingSet(x: x, y: x.map { 2 * tanh($0) + 0.2 * rng.nextNormal() })
    }

    private func randomNetwork(width m: Int, _ rng: inout PortableRandom) -> Network {
        Network(w: (0..<m).map { _ in 1.5 * rng.nextNormal() }, v: (0..<m).map { _ in 1.5 * rng.nextNormal() })
    }

    /// Central difference `(F(θ + h e_a) − F(θ − h e_a)) / 2h` of a vector-valued F, for every coordinate a.
    private func centralDifferences(_ net: Network, step h: Double, _ f: (Network) -> [Double]) -> [[Double]] {
        (0..<2 * net.width).map { a in
            var plus = net.flat, minus = net.flat
            plus[a] += h
            minus[a] -= h
            let fp = f(Network(flat: plus)), fm = f(Network(flat: minus))
            return zip(fp, fm).map { ($0 - $1) / (2 * h) }
        }
    }

    private func maxAbs(_ x: [Double]) -> Double { x.map(abs).max()! }

    func testValueIsTheMeanSquaredResidual() {
        let data = TrainingSet(x: [1, -2], y: [0.5, 0.25])
        let net = Network(w: [0.3, -1], v: [2, 0.5])
        let r0 = 2 * tanh(0.3) + 0.5 * tanh(-1.0) - 0.5
        let r1 = 2 * tanh(-0.6) + 0.5 * tanh(2.0) - 0.25
        XCTAssertEqual(TrainingError.value(net, on: data), (r0 * r0 + r1 * r1) / 2, accuracy: 1e-15)
    }

    func testGradientMatchesCentralDifferences() {
        var rng = PortableRandom(seed: 51)
        let data = randomData(&rng)
        for m in 1...4 {
            for _ in 0..<5 {
                let net = randomNetwork(width: m, &rng)
                let gradient = TrainingError.gradient(net, on: data)
                let numeric = centralDifferences(net, step: 1e-6) { [TrainingError.value($0, on: data)] }.map { $0[0] }
                let error = maxAbs(zip(gradient, numeric).map { $0 - $1 })
                XCTAssertLessThanOrEqual(error, 1e-7 * maxAbs(gradient), "m = \(m), θ = \(net.flat)")
            }
        }
    }

    func testHessianMatchesDifferencesOfTheGradientAndIsSymmetric() {
        var rng = PortableRandom(seed: 52)
        let data = randomData(&rng)
        for m in 1...4 {
            for _ in 0..<5 {
                let net = randomNetwork(width: m, &rng)
                let d = 2 * m
                let hessian = TrainingError.hessian(net, on: data)
                XCTAssertEqual(hessian.count, d * d)
                // Column a of the Hessian is ∂(∇E)/∂θ_a.
                let numeric = centralDifferences(net, step: 1e-6) { TrainingError.gradient($0, on: data) }
                var error = 0.0, asymmetry = 0.0
                for a in 0..<d {
                    for b in 0..<d {
                        error = max(error, abs(hessian[b * d + a] - numeric[a][b]))
                        asymmetry = max(asymmetry, abs(hessian[a * d + b] - hessian[b * d + a]))
                    }
                }
                XCTAssertLessThanOrEqual(error, 1e-7 * maxAbs(hessian), "m = \(m), θ = \(net.flat)")
                XCTAssertLessThanOrEqual(asymmetry, 1e-15 * maxAbs(hessian))
            }
        }
    }
}
