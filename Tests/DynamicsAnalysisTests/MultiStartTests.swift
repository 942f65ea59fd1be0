import DynamicsAnalysis
import MLPNumerics
import XCTest

/// Leader clustering modulo symmetry, and multistart descent against plain GD.
final class MultiStartTests: XCTestCase {
    /// Images of a point under the width-2 symmetries stay in its cluster; distinct orbits found
    /// new clusters in order; points just outside the tolerance do too.
    func testLeaderClustersModuloSymmetry() {
        let a = Network(w: [0.9, -0.3], v: [1.5, 0.4])
        let b = Network(w: [1.2, 0.1], v: [-0.7, 2.0])
        let aImage = Network(w: [0.3, -0.9], v: [-0.4, -1.5])  // swap, flip neuron 1 (orig 2)
        let aNear = Network(w: [-0.9, 0.3 + 0.009], v: [-1.5, -0.4])  // flip both, then 0.009 off
        let bFar = Network(w: [1.2 + 0.02, 0.1], v: [-0.7, 2.0])
        let clusters = SymmetryClustering.leaderClusters([a, b, aImage, aNear, bFar], tolerance: 0.01)
        XCTAssertEqual(clusters.assignment, [0, 1, 0, 0, 2])
        XCTAssertEqual(clusters.leaders, [0, 1, 4])
        XCTAssertEqual(clusters.counts, [3, 1, 1])
        XCTAssertEqual(clusters.distanceToLeader[2], 0, accuracy: 1e-15)
        XCTAssertEqual(clusters.distanceToLeader[3], 0.009, accuracy: 1e-12)
        XCTAssertEqual(clusters.distanceToLeader[4], 0)
        XCTAssertEqual(SymmetryClustering.leaderClusters([], tolerance: 1).leaders, [])
    }

    /// One start reproduces plain GD step for step; the parallel version returns exactly the
    /// sequential outcomes, in start order.
    func testDescentMatchesPlainGradientDescentAndParallelMatchesSequential() {
        let data = Fixtures.teacherData(n: 30, sigma: 0.2)
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.05)
        let start = Network(w: [0.8, -1.1], v: [1.3, 0.6])
        let outcome = MultiStartDescent.descend(
            kernel, from: start, maxSteps: 250, gradientTolerance: 1e-30, checkInterval: 100)
        XCTAssertEqual(outcome.steps, 250)
        XCTAssertFalse(outcome.converged)
        let reference = Fixtures.gradientDescent(start, on: data, eta: 0.05, steps: 250)
        for (x, y) in zip(outcome.final.flat, reference.flat) { XCTAssertEqual(x, y, accuracy: 1e-12) }
        XCTAssertEqual(
            outcome.gradientNorm,
            TrainingError.gradient(outcome.final, on: data).reduce(0) { $0 + $1 * $1 }.squareRoot(), accuracy: 1e-12)

        var rng = PortableRandom(seed: 5)
        let starts = (0..<6).map { _ in Network(flat: (0..<4).map { _ in rng.nextUniform(in: -2.5, 2.5) }) }
        let parallel = MultiStartDescent.descend(
            kernel, from: starts, maxSteps: 3000, gradientTolerance: 1e-3, checkInterval: 100)
        let sequential = starts.map {
            MultiStartDescent.descend(kernel, from: $0, maxSteps: 3000, gradientTolerance: 1e-3, checkInterval: 100)
        }
        XCTAssertEqual(parallel, sequential)
        for o in parallel where o.converged {
            XCTAssertLessThan(o.gradientNorm, 1e-3)
            XCTAssertEqual(o.steps % 100, 0)
        }
    }

    /// A start that is already critical stops at step 0; a budget not divisible by the interval
    /// is cut exactly.
    func testStopsAtCriticalStartAndCutsTheLastChunk() {
        let data = Fixtures.teacherData(n: 20, sigma: 0.1)
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        let zero = MultiStartDescent.descend(
            kernel, from: Network(w: [0, 0], v: [0, 0]), maxSteps: 1000,
            gradientTolerance: 1e-300, checkInterval: 7)
        XCTAssertEqual(zero.steps, 0)  // θ = 0 is critical: ∇E_tr(0) = 0 exactly
        XCTAssertTrue(zero.converged)
        let cut = MultiStartDescent.descend(
            kernel, from: Fixtures.paperStart, maxSteps: 25, gradientTolerance: 1e-30, checkInterval: 10)
        XCTAssertEqual(cut.steps, 25)
    }
}
