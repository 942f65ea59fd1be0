import DynamicsAnalysis
import MLPNumerics
import XCTest

/// The effective width on hand-built networks whose answer is known by construction.
final class EffectiveWidthTests: XCTestCase {
    let x = Fixtures.teacherData(n: 50, sigma: 0).x

    func width(_ w: [Double], _ v: [Double], tolerance: Double = 0.05) -> EffectiveWidth {
        EffectiveWidth(Network(w: w, v: v), inputs: x, tolerance: tolerance)
    }

    func testCountsLiveNeuronsDistinctModuloSign() {
        XCTAssertEqual(width([1e-5, -2e-5, 3e-5], [2e-5, 1e-5, -1e-5]).width, 0, "near the origin every unit is dead")
        XCTAssertEqual(width([1.0], [2.0]).width, 1)
        XCTAssertEqual(width([1.0, 1.0], [0.5, 1.5]).width, 1, "duplicated units")
        XCTAssertEqual(width([1.0, -1.0], [0.5, -1.5]).width, 1, "duplicated modulo sign: v tanh(-wx) = -v tanh(wx)")
        XCTAssertEqual(width([1.0, -1.0], [0.5, 0.5]).width, 0, "duplicates that cancel")
        XCTAssertEqual(width([1.0, 2.0], [1.0, 1.0]).width, 2)
        XCTAssertEqual(width([1.0, 0.0], [1.0, 5.0]).width, 1, "a zero unit (w = 0)")
        XCTAssertEqual(width([1.0, 3.0], [1.0, 0.0]).width, 1, "a zero unit (v = 0)")
        XCTAssertEqual(
            width([0.5, -0.5, 2.0, 0.0], [1.0, -1.0, -0.7, 3.0]).width, 2,
            "one duplicated pair (adding up), one distinct unit, one zero unit")
        XCTAssertEqual(width([1.0, 1.02], [1.0, 1.0]).width, 1, "within the relative tolerance")
        XCTAssertEqual(width([1.0, 1.02], [1.0, 1.0], tolerance: 0.01).width, 2, "outside a tighter one")
    }

    func testReportsDeadUnitsGroupsAndTheNarrowerNetwork() {
        let e = width([0.5, -0.5, 2.0, 0.0], [1.0, 1.0, -0.7, 3.0])
        XCTAssertEqual(e.deadUnits, [3])
        XCTAssertEqual(e.duplicatedGroups.map(\.units), [[0, 1]])
        // Units 0 and 1: 1·tanh(0.5x) + 1·tanh(−0.5x) = 0 → the pair cancels; only unit 2 lives.
        XCTAssertEqual(e.width, 1)
        XCTAssertEqual(e.reduced, Network(w: [2.0], v: [-0.7]))
        let pair = width([0.5, -0.5, 2.0], [1.0, -2.0, 1.0])
        XCTAssertEqual(pair.reduced, Network(w: [0.5, 2.0], v: [3.0, 1.0]))
        // The narrower network computes the same function.
        let full = Network(w: [0.5, -0.5, 2.0], v: [1.0, -2.0, 1.0])
        for xk in x { XCTAssertEqual(pair.reduced!(xk), full(xk), accuracy: 1e-14) }
    }
}
