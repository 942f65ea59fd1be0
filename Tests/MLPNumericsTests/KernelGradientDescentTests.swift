import MLPNumerics
import XCTest

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The fused kernel against the straightforward loop `θ ← θ − η TrainingError.gradient(θ)`.
final class KernelGradientDescentTests: XCTestCase {
    /// n samples, x ~ N(0,1), y = 2 tanh(x) + σ ε, from PortableRandom.
    static func teacherData(n: Int = 100, sigma: Double = 0.2, seed: UInt64 = 1) -> TrainingSet {
        var rng = PortableRandom(seed: seed)
        let xs = (0..<n).map { _ in rng.nextNormal() }
        let ys = xs.map { 2 * tanh($0) + sigma * rng.nextNormal() }
        return TrainingSet(x: xs, y: ys)
    }

    static let paperStart = Network(w: [-0.13, 0.13], v: [0.16, -0.15])

    /// The reference loop; returns θ_T, or the first time t at which `E_tr(θ_t)` or `θ_t` is not
    /// finite.
    static func referenceRun(
        _ start: Network, _ data: TrainingSet, eta: Double, steps: Int,
        checkLoss: Bool = false
    ) -> (Network, Int?) {
        var theta = start.flat
        for s in 1...steps {
            if checkLoss && !TrainingError.value(Network(flat: theta), on: data).isFinite {
                return (Network(flat: theta), s - 1)
            }
            let g = TrainingError.gradient(Network(flat: theta), on: data)
            theta = zip(theta, g).map { $0 - eta * $1 }
            if theta.contains(where: { !$0.isFinite }) { return (Network(flat: theta), s) }
        }
        return (Network(flat: theta), nil)
    }

    static func relativeDifference(_ a: Network, _ b: Network) -> Double {
        let d = zip(a.flat, b.flat).map { abs($0 - $1) }.max()!
        return d / b.flat.map(abs).max()!
    }

    func testWidthTwoFollowsReferenceFor1e5Steps() {
        let data = Self.teacherData()
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        var theta = Self.paperStart
        XCTAssertEqual(kernel.run(&theta, steps: 100_000), .completed)
        let (reference, failure) = Self.referenceRun(Self.paperStart, data, eta: 0.01, steps: 100_000)
        XCTAssertNil(failure)
        let rel = Self.relativeDifference(theta, reference)
        print("m = 2, 1e5 steps: relative difference to the reference loop \(rel)")
        XCTAssertLessThanOrEqual(rel, 1e-9)
        // The run has left the plateau (so the comparison is not trivial).
        XCTAssertLessThan(TrainingError.value(theta, on: data), 0.5 * TrainingError.value(Self.paperStart, on: data))
    }

    func testOtherWidthsFollowReference() {
        let data = Self.teacherData(n: 37, seed: 3)  // 37: padding of 3 lanes is exercised
        var rng = PortableRandom(seed: 11)
        for m in [1, 3, 4] {
            let start = Network(
                w: (0..<m).map { _ in rng.nextNormal() }, v: (0..<m).map { _ in 0.5 * rng.nextNormal() })
            let kernel = GradientDescentKernel(data: data, width: m, learningRate: 0.05)
            var theta = start
            XCTAssertEqual(kernel.run(&theta, steps: 3000), .completed)
            let (reference, _) = Self.referenceRun(start, data, eta: 0.05, steps: 3000)
            XCTAssertLessThanOrEqual(Self.relativeDifference(theta, reference), 1e-11, "m = \(m)")
        }
    }

    /// The width-2 loop takes its fast pass (no clamp, no Σ r²) on steps with every |w_i x_k| ≤ 20 and
    /// the clamped pass otherwise; the general loop always clamps. From the second start
    /// (|w_1| max|x| = 20.1) the run crosses from clamped to fast steps, and the loops still agree.
    func testGeneralPathIsBitIdenticalToWidthTwoPath() {
        let data = Self.teacherData(n: 50, seed: 5)
        var fast = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        var general = fast
        general.forceGeneralPath = true
        fast.checkInterval = 97
        let maxX = data.x.map(abs).max()!
        let crossing = Network(w: [20.1 / maxX, -0.2], v: [1.5, 0.5])
        for start in [Self.paperStart, crossing] {
            var a = start, b = start
            XCTAssertEqual(fast.run(&a, steps: 2000), .completed)
            XCTAssertEqual(general.run(&b, steps: 2000), .completed)
            XCTAssertEqual(a, b)
            XCTAssertEqual(fast.evaluate(a), general.evaluate(a))
        }
        var crossed = crossing
        XCTAssertEqual(fast.run(&crossed, steps: 2000), .completed)
        XCTAssertLessThan(abs(crossed.w[0]) * maxX, 20, "the second run should end on fast steps (measured 19.9)")
    }

    func testEvaluateMatchesTrainingError() {
        let data = Self.teacherData(n: 45, seed: 9)
        let net = Network(w: [0.7, -1.3, 2.2], v: [1.1, 0.4, -0.9])
        let e = GradientDescentKernel(data: data, width: 3, learningRate: 0.01).evaluate(net)
        let value = TrainingError.value(net, on: data)
        let gradient = TrainingError.gradient(net, on: data)
        XCTAssertEqual(e.loss, value, accuracy: 1e-14 * value)
        for (a, b) in zip(e.gradient, gradient) { XCTAssertEqual(a, b, accuracy: 1e-14) }
        XCTAssertEqual(e.gradientNorm, gradient.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-14)
    }

    func testDivergenceNamesTheExactStep() {
        let data = Self.teacherData()
        let eta = 60.0
        let (_, referenceStep) = Self.referenceRun(Self.paperStart, data, eta: eta, steps: 5000, checkLoss: true)
        guard let referenceStep else { return XCTFail("η = \(eta) should diverge") }
        for interval in [1 << 16, 7] {
            var kernel = GradientDescentKernel(data: data, width: 2, learningRate: eta)
            kernel.checkInterval = interval
            var theta = Self.paperStart
            guard case .diverged(let failure) = kernel.run(&theta, steps: 5000) else {
                return XCTFail("kernel did not report the divergence")
            }
            XCTAssertEqual(failure.step, referenceStep)
            XCTAssertTrue(theta.flat.allSatisfy(\.isFinite), "θ is left at the last finite iterate")
            XCTAssertTrue(failure.description.contains("step \(referenceStep)"), failure.description)
            print(failure)
        }
    }

    func testNonFiniteStartIsStepZero() {
        let kernel = GradientDescentKernel(data: Self.teacherData(n: 8), width: 2, learningRate: 0.01)
        var theta = Network(w: [0.1, .nan], v: [0.2, 0.3])
        guard case .diverged(let failure) = kernel.run(&theta, steps: 10) else { return XCTFail("not reported") }
        XCTAssertEqual(failure.step, 0)
        XCTAssertEqual(failure.quantity, .parameter(component: 1, width: 2))
        XCTAssertTrue(failure.value.isNaN)
        XCTAssertEqual(failure.description, "training diverged at step 0: parameter w[1] is NaN")
    }
}
