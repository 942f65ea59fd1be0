import MLPNumerics
import XCTest

final class SingularSetTests: XCTestCase {
    private func euclidean(_ a: Network, _ b: Network) -> Double {
        zip(a.flat, b.flat).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    func testNearestComponentOnAKnownPoint() {
        let projection = Regions.singularSet(Network(w: [1.0, -1.1], v: [2, 3]))
        XCTAssertEqual(projection.component, .inputWeightsOpposite(0, 1))
        XCTAssertEqual(projection.distance, 0.1 / 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(projection.nearest.w[0], 1.05, accuracy: 1e-15)
        XCTAssertEqual(projection.nearest.w[1], -1.05, accuracy: 1e-15)
        XCTAssertEqual(Regions.singularSet(Network(w: [0.5, 2], v: [-0.2, 1])).component, .outputWeightZero(0))
        XCTAssertEqual(
            Regions.singularSet(Network(w: [0.5, 2, 2.01], v: [3, 1, 1])).component, .inputWeightsEqual(1, 2))
    }

    func testProjectionLiesOnTheComponentAtTheReportedDistance() {
        var rng = PortableRandom(seed: 31)
        for m in 1...4 {
            for _ in 0..<25 {
                let net = Network(w: (0..<m).map { _ in rng.nextNormal() }, v: (0..<m).map { _ in rng.nextNormal() })
                let projection = Regions.singularSet(net)
                let p = projection.nearest
                XCTAssertEqual(euclidean(net, p), projection.distance, accuracy: 1e-14)
                switch projection.component {
                case .inputWeightZero(let i): XCTAssertEqual(p.w[i], 0)
                case .outputWeightZero(let i): XCTAssertEqual(p.v[i], 0)
                case .inputWeightsEqual(let i, let j): XCTAssertEqual(p.w[i], p.w[j])
                case .inputWeightsOpposite(let i, let j): XCTAssertEqual(p.w[i], -p.w[j])
                }
                // No sampled point of S is closer: perturb θ onto every component along random lines.
                for _ in 0..<10 {
                    for q in pointsOfS(near: net, &rng) {
                        XCTAssertLessThanOrEqual(projection.distance, euclidean(net, q) + 1e-14)
                    }
                }
            }
        }
    }

    /// One random point on each hyperplane of S.
    private func pointsOfS(near net: Network, _ rng: inout PortableRandom) -> [Network] {
        var result: [Network] = []
        let m = net.width
        func jitter() -> Network {
            Network(w: net.w.map { $0 + 0.3 * rng.nextNormal() }, v: net.v.map { $0 + 0.3 * rng.nextNormal() })
        }
        for i in 0..<m {
            var a = jitter(); a.w[i] = 0; result.append(a)
            var b = jitter(); b.v[i] = 0; result.append(b)
            for j in 0..<m where j > i {
                var c = jitter(); c.w[j] = c.w[i]; result.append(c)
                var d = jitter(); d.w[j] = -d.w[i]; result.append(d)
            }
        }
        return result
    }
}

final class OptimalRegionTests: XCTestCase {
    private let teacher = Network.paperTeacher
    private let probes: [Double] = [-3, -1.2, -0.4, 0.25, 0.9, 2.2, 4]

    private func euclidean(_ a: Network, _ b: Network) -> Double {
        zip(a.flat, b.flat).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    private func assertRealizesTeacher(_ net: Network, file: StaticString = #filePath, line: UInt = #line) {
        for x in probes {
            XCTAssertEqual(net(x), teacher(x), accuracy: 1e-12, "\(net) at x = \(x)", file: file, line: line)
        }
    }

    /// A random point of M: a random partition into a teacher block, silent neurons and cancelling blocks.
    private func randomPointOfM(width m: Int, _ rng: inout PortableRandom) -> Network {
        var w = [Double](repeating: 0, count: m), v = w
        var order = rng.permutation(m)
        let teacherSize = 1 + Int(rng.nextBounded(UInt64(m)))
        let teacherNeurons = Array(order.prefix(teacherSize))
        order.removeFirst(teacherSize)
        func fill(_ neurons: [Int], u: Double, sum: Double) {
            let signs = neurons.map { _ in rng.nextUniform() < 0.5 ? -1.0 : 1.0 }
            var rest = sum
            for (k, i) in neurons.enumerated() {
                w[i] = signs[k] * u
                if k < neurons.count - 1 {
                    v[i] = rng.nextNormal()
                    rest -= signs[k] * v[i]
                } else {
                    v[i] = signs[k] * rest
                }
            }
        }
        fill(teacherNeurons, u: teacher.w[0], sum: teacher.v[0])
        while !order.isEmpty {
            if rng.nextUniform() < 0.3 {
                let i = order.removeFirst()
                w[i] = 0
                v[i] = rng.nextNormal()
            } else {
                let size = 1 + Int(rng.nextBounded(UInt64(order.count)))
                fill(Array(order.prefix(size)), u: rng.nextNormal(), sum: 0)
                order.removeFirst(size)
            }
        }
        return Network(w: w, v: v)
    }

    func testThePapersExamplesAreOnM() {
        let examples = [
            Network(w: [1, 1], v: [0.5, 1.5]),
            Network(w: [1, -0.37], v: [2, 0]),
            Network(w: [1, 0], v: [2, -4.2]),
            Network(w: [-1, 1], v: [-0.5, 1.5]),
            Network(w: [1, 0.8, -0.8], v: [2, 0.3, 0.3]),  // a cancelling pair, m = 3
        ]
        for net in examples {
            assertRealizesTeacher(net)
            XCTAssertEqual(Regions.optimalRegion(net, teacher: teacher).distance, 0, accuracy: 1e-15, "\(net)")
        }
    }

    func testConstructedPointsOfEachPieceHaveDistanceZero() {
        var rng = PortableRandom(seed: 41)
        for m in 1...4 {
            for _ in 0..<40 {
                let point = randomPointOfM(width: m, &rng)
                assertRealizesTeacher(point)
                let projection = Regions.optimalRegion(point, teacher: teacher)
                XCTAssertEqual(projection.distance, 0, accuracy: 1e-14, "\(point)")
            }
        }
    }

    func testNearestPointIsOnMAndNoSampledPointOfMIsCloser() {
        var rng = PortableRandom(seed: 42)
        for m in 1...4 {
            for _ in 0..<15 {
                let net = Network(
                    w: (0..<m).map { _ in 1.5 * rng.nextNormal() },
                    v: (0..<m).map { _ in 1.5 * rng.nextNormal() })
                let projection = Regions.optimalRegion(net, teacher: teacher)
                assertRealizesTeacher(projection.nearest)
                XCTAssertEqual(euclidean(net, projection.nearest), projection.distance, accuracy: 1e-13)
                XCTAssertEqual(
                    projection.blocks.filter { if case .teacher = $0 { return true } else { return false } }.count, 1)
                for _ in 0..<300 {
                    let sample = randomPointOfM(width: m, &rng)
                    XCTAssertLessThanOrEqual(projection.distance, euclidean(net, sample) + 1e-13)
                }
                // Points of M near the projection, moved within its own piece, are no closer either.
                let perturbed = Regions.optimalRegion(
                    Network(
                        w: projection.nearest.w.map { $0 + 0.05 * rng.nextNormal() },
                        v: projection.nearest.v.map { $0 + 0.05 * rng.nextNormal() }), teacher: teacher
                ).nearest
                XCTAssertLessThanOrEqual(projection.distance, euclidean(net, perturbed) + 1e-13)
            }
        }
    }

    /// For m ≤ 2 there are no cancelling groups of two or more, so M is the union of the pieces in
    /// which each non-teacher neuron has w_i = 0 or v_i = 0; compare with the explicit enumeration.
    func testMatchesExplicitEnumerationForWidthTwo() {
        var rng = PortableRandom(seed: 43)
        let (ws, vs) = (teacher.w[0], teacher.v[0])
        for _ in 0..<100 {
            let net = Network(
                w: [2 * rng.nextNormal(), 2 * rng.nextNormal()], v: [2 * rng.nextNormal(), 2 * rng.nextNormal()])
            let (w, v) = (net.w, net.v)
            var candidates: [Double] = []
            for s1 in [-1.0, 1.0] {
                for s2 in [-1.0, 1.0] {
                    // Both neurons in the teacher block.
                    let r = s1 * v[0] + s2 * v[1] - vs
                    candidates.append(
                        (w[0] - s1 * ws) * (w[0] - s1 * ws) + (w[1] - s2 * ws) * (w[1] - s2 * ws) + r * r / 2)
                }
                for (i, j) in [(0, 1), (1, 0)] {
                    // Neuron i alone reproduces the teacher; neuron j is silent or disconnected.
                    let teacherPart = (w[i] - s1 * ws) * (w[i] - s1 * ws) + (s1 * v[i] - vs) * (s1 * v[i] - vs)
                    candidates.append(teacherPart + min(w[j] * w[j], v[j] * v[j]))
                }
            }
            XCTAssertEqual(
                Regions.optimalRegion(net, teacher: teacher).distance,
                candidates.min()!.squareRoot(), accuracy: 1e-14)
        }
    }

    func testWorksForAnotherTeacher() {
        let other = Network(w: [-0.7], v: [1.3])
        let point = Network(w: [0.7, 2, -2], v: [-1.3, 0.4, 0.4])
        for x in probes { XCTAssertEqual(point(x), other(x), accuracy: 1e-14) }
        XCTAssertEqual(Regions.optimalRegion(point, teacher: other).distance, 0, accuracy: 1e-15)
    }
}
