import MLPNumerics
import XCTest

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Online gradient descent against a straightforward per-sample loop with the same order.
final class KernelOnlineTests: XCTestCase {
    func testMatchesStraightforwardLoop() {
        let data = KernelGradientDescentTests.teacherData(n: 30, seed: 4)
        let start = Network(w: [0.3, -0.2, 0.9], v: [0.1, 0.4, -0.3])
        let eta = 0.02, steps = 95  // three epochs and a bit
        var sgd = OnlineGradientDescent(data: data, learningRate: eta, seed: 42)
        var theta = start
        XCTAssertEqual(sgd.run(&theta, steps: steps), .completed)

        var rng = PortableRandom(seed: 42)
        var net = start
        var order: [Int] = []
        for s in 0..<steps {
            if s % data.count == 0 { order = rng.permutation(data.count) }
            let k = order[s % data.count]
            let r = net(data.x[k]) - data.y[k]
            var next = net
            for i in 0..<net.width {
                let t = tanh(net.w[i] * data.x[k])
                next.w[i] -= eta * 2 * r * net.v[i] * (1 - t * t) * data.x[k]
                next.v[i] -= eta * 2 * r * t
            }
            net = next
        }
        for (a, b) in zip(theta.flat, net.flat) { XCTAssertEqual(a, b, accuracy: 1e-13) }
        XCTAssertEqual(sgd.stepsTaken, steps)
    }

    func testSplitRunsEqualOneRun() {
        let data = KernelGradientDescentTests.teacherData(n: 20, seed: 8)
        var one = OnlineGradientDescent(data: data, learningRate: 0.05, seed: 1)
        var split = one
        var a = KernelGradientDescentTests.paperStart, b = a
        _ = one.run(&a, steps: 70)
        _ = split.run(&b, steps: 33)
        _ = split.run(&b, steps: 37)
        XCTAssertEqual(a, b)
    }

    func testDivergenceIsReported() {
        let data = KernelGradientDescentTests.teacherData(n: 20, seed: 8)
        var sgd = OnlineGradientDescent(data: data, learningRate: 1e3, seed: 1)
        var theta = KernelGradientDescentTests.paperStart
        guard case .diverged(let failure) = sgd.run(&theta, steps: 100_000) else { return XCTFail("should diverge") }
        XCTAssertGreaterThan(failure.step, 0)
        XCTAssertTrue(theta.flat.allSatisfy(\.isFinite))
    }
}
