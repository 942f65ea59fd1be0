import MLPNumerics
import XCTest

final class GeneralizationErrorTests: XCTestCase {
    /// A random network with `|w_i| ≤ wMax` (the first one exactly ±wMax) and `|v_i| ≤ vMax`.
    private func randomNetwork(width m: Int, wMax: Double, vMax: Double, _ rng: inout PortableRandom) -> Network {
        var w = (0..<m).map { _ in rng.nextUniform(in: -wMax, wMax) }
        w[0] = rng.nextUniform() < 0.5 ? -wMax : wMax
        let v = (0..<m).map { _ in rng.nextUniform(in: -vMax, vMax) }
        return Network(w: w, v: v)
    }

    private func assertMatchesReference(
        _ student: Network, teacher: Network = .paperTeacher,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let value = GeneralizationError.value(student, teacher: teacher)
        let reference = try TanhSinhReference.generalizationError(student, teacher: teacher)
        XCTAssertEqual(
            value, reference, accuracy: 1e-12, "student \(student), teacher \(teacher)", file: file, line: line)
    }

    func testGaussLegendreRuleIsExactForPolynomials() {
        for n in 1...20 {
            let rule = GaussLegendreRule(order: n)
            XCTAssertEqual(rule.weights.reduce(0, +), 2, accuracy: 1e-14)
            XCTAssertEqual(rule.nodes, rule.nodes.sorted())
            for degree in 0...(2 * n - 1) {
                var sum = 0.0
                for k in 0..<n { sum += rule.weights[k] * pow(rule.nodes[k], Double(degree)) }
                let exact = degree % 2 == 1 ? 0 : 2 / Double(degree + 1)
                XCTAssertEqual(sum, exact, accuracy: 1e-14, "n = \(n), degree \(degree)")
            }
        }
    }

    func testMatchesReferenceAtRandomPoints() throws {
        var rng = PortableRandom(seed: 11)
        for m in 1...4 {
            for wMax in [0.05, 0.5, 1, 3, 6, 10, 12] {
                try assertMatchesReference(randomNetwork(width: m, wMax: wMax, vMax: 10, &rng))
            }
        }
    }

    func testMatchesReferenceAtLargeInputWeights() throws {
        var rng = PortableRandom(seed: 12)
        for wMax in [2, 2.15, 10] {
            for m in 1...4 {
                let student = randomNetwork(width: m, wMax: wMax, vMax: 10, &rng)
                try assertMatchesReference(student)
                // A wide teacher with its own large weights, too.
                try assertMatchesReference(student, teacher: randomNetwork(width: 2, wMax: wMax, vMax: 3, &rng))
            }
        }
    }

    func testNearTheAttractorPointOfThePaper() throws {
        // Neurons near |w| ≈ 2.15, where 200-node Gauss–Hermite is still off by ~1e-8.
        try assertMatchesReference(Network(w: [2.15, 0.93], v: [0.31, 1.71]))
        try assertMatchesReference(Network(w: [-2.15, 2.15], v: [-1.0, 0.5]))
    }

    func testTeacherAgainstItselfIsZero() {
        XCTAssertEqual(GeneralizationError.value(.paperTeacher, teacher: .paperTeacher), 0, accuracy: 1e-15)
        var rng = PortableRandom(seed: 13)
        let teacher = randomNetwork(width: 3, wMax: 10, vMax: 10, &rng)
        XCTAssertEqual(GeneralizationError.value(teacher, teacher: teacher), 0, accuracy: 1e-15)
    }

    func testSilentStudentGivesTheTeachersSecondMoment() throws {
        var rng = PortableRandom(seed: 14)
        for m in 1...4 {
            let teacher = randomNetwork(width: m, wMax: 4, vMax: 5, &rng)
            let silent = Network(w: [Double](repeating: 0, count: 2), v: [1.5, -3])
            let secondMoment = try TanhSinhReference.gaussianExpectationOfSquare(
                { teacher($0) }, poleDistance: Double.pi / (2 * teacher.w.map(abs).max()!))
            XCTAssertEqual(GeneralizationError.value(silent, teacher: teacher), secondMoment, accuracy: 1e-12)
        }
        // Zero output weights make the student vanish as well.
        let disconnected = Network(w: [0.7, -8], v: [0, 0])
        XCTAssertEqual(
            GeneralizationError.value(disconnected, teacher: .paperTeacher),
            GeneralizationError.value(Network(w: [0], v: [0]), teacher: .paperTeacher), accuracy: 1e-14)
    }

    func testScaledOutputWeightsGiveEpsilonSquaredTimesSecondMoment() {
        var rng = PortableRandom(seed: 15)
        for m in 1...4 {
            let teacher = randomNetwork(width: m, wMax: 5, vMax: 5, &rng)
            let secondMoment = GeneralizationError.value(Network(w: [0], v: [0]), teacher: teacher)
            for epsilon in [1e-4, 1e-2, 0.3] {
                let student = Network(w: teacher.w, v: teacher.v.map { $0 * (1 + epsilon) })
                let value = GeneralizationError.value(student, teacher: teacher)
                XCTAssertEqual(
                    value, epsilon * epsilon * secondMoment, accuracy: 1e-13 * secondMoment,
                    "m = \(m), ε = \(epsilon)")
            }
        }
    }

    func testIsInvariantUnderTheSymmetryGroup() {
        var rng = PortableRandom(seed: 16)
        let student = randomNetwork(width: 3, wMax: 3, vMax: 3, &rng)
        let value = GeneralizationError.value(student, teacher: .paperTeacher)
        for g in Symmetry.elements(width: 3) {
            XCTAssertEqual(
                GeneralizationError.value(g.apply(student), teacher: .paperTeacher), value,
                accuracy: 1e-14 * value)
        }
    }
}
