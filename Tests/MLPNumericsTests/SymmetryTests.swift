import MLPNumerics
import XCTest

final class SymmetryTests: XCTestCase {
    private func randomNetwork(width m: Int, _ rng: inout PortableRandom) -> Network {
        Network(w: (0..<m).map { _ in rng.nextNormal() }, v: (0..<m).map { _ in rng.nextNormal() })
    }

    private func euclidean(_ a: Network, _ b: Network) -> Double {
        zip(a.flat, b.flat).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    func testGroupHasTheRightOrderAndDistinctElements() {
        for m in 1...4 {
            let elements = Symmetry.elements(width: m)
            let factorial = (1...m).reduce(1, *)
            XCTAssertEqual(elements.count, factorial << m)
            let distinct = Set(elements.map { "\($0.permutation) \($0.signs)" })
            XCTAssertEqual(distinct.count, elements.count)
        }
    }

    func testElementsPreserveTheFunction() {
        var rng = PortableRandom(seed: 21)
        let net = randomNetwork(width: 3, &rng)
        for g in Symmetry.elements(width: 3) {
            let image = g.apply(net)
            for x in [-2.5, -0.3, 0.7, 1.9] { XCTAssertEqual(image(x), net(x), accuracy: 1e-14) }
        }
    }

    func testApplyFollowsTheDocumentedConvention() {
        let net = Network(w: [1, 2, 3], v: [4, 5, 6])
        let g = SymmetryElement(permutation: [2, 0, 1], signs: [1, -1, 1])
        XCTAssertEqual(g.apply(net), Network(w: [3, -1, 2], v: [6, -4, 5]))
    }

    func testCanonicalFormIsInvariantUnderTheGroup() {
        var rng = PortableRandom(seed: 22)
        for m in 1...4 {
            for _ in 0..<5 {
                var net = randomNetwork(width: m, &rng)
                if m >= 2 { net.w[1] = 0 }  // exercise the w_i = 0 rule
                let canonical = Symmetry.canonical(net)
                XCTAssertTrue(canonical.w.allSatisfy { $0 >= 0 })
                XCTAssertEqual(canonical.w, canonical.w.sorted())
                for g in Symmetry.elements(width: m) {
                    let image = Symmetry.canonical(g.apply(net))
                    XCTAssertEqual(image, canonical)
                    XCTAssertEqual(image.w.map(\.sign), canonical.w.map(\.sign), "−0 must be normalized")
                }
            }
        }
    }

    func testCanonicalFormOrdersByOutputWeightOnTies() {
        let canonical = Symmetry.canonical(Network(w: [-1, 1, 0], v: [-3, 2, -5]))
        XCTAssertEqual(canonical, Network(w: [0, 1, 1], v: [5, 2, 3]))
    }

    func testDistanceIsZeroOnOrbitsAndSymmetric() {
        var rng = PortableRandom(seed: 23)
        for m in 1...4 {
            let a = randomNetwork(width: m, &rng)
            let b = randomNetwork(width: m, &rng)
            for g in Symmetry.elements(width: m) {
                XCTAssertEqual(Symmetry.distance(a, g.apply(a)), 0, accuracy: 1e-15)
                XCTAssertEqual(Symmetry.distance(g.apply(a), b), Symmetry.distance(a, b), accuracy: 1e-14)
            }
            XCTAssertEqual(Symmetry.distance(a, b), Symmetry.distance(b, a), accuracy: 1e-15)
        }
    }

    func testDistanceEqualsBruteForceOverTheGroup() {
        var rng = PortableRandom(seed: 24)
        for m in 1...4 {
            for _ in 0..<5 {
                let a = randomNetwork(width: m, &rng)
                let b = randomNetwork(width: m, &rng)
                let bruteForce = Symmetry.elements(width: m).map { euclidean(a, $0.apply(b)) }.min()!
                XCTAssertEqual(Symmetry.distance(a, b), bruteForce, accuracy: 1e-14)
                XCTAssertLessThanOrEqual(Symmetry.distance(a, b), euclidean(a, b) + 1e-15)
            }
        }
    }

    func testTriangleInequality() {
        var rng = PortableRandom(seed: 25)
        for m in 1...4 {
            for _ in 0..<20 {
                let a = randomNetwork(width: m, &rng)
                let b = randomNetwork(width: m, &rng)
                let c = randomNetwork(width: m, &rng)
                XCTAssertLessThanOrEqual(
                    Symmetry.distance(a, c),
                    Symmetry.distance(a, b) + Symmetry.distance(b, c) + 1e-14)
            }
        }
    }
}
