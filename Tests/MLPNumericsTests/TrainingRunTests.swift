import MLPNumerics
import XCTest

/// The log grid, the recorder's bookkeeping, divergence reporting and the progress output.
final class TrainingRunTests: XCTestCase {
    func testLogTimeGrid() {
        XCTAssertEqual(LogTimeGrid(steps: 100, pointsPerDecade: 5).times, [0, 1, 2, 3, 4, 6, 10, 16, 25, 40, 63, 100])
        let grid = LogTimeGrid(steps: 3_000_000, pointsPerDecade: 20).times
        XCTAssertEqual(grid.first, 0)
        XCTAssertEqual(grid[1], 1)
        XCTAssertEqual(grid.last, 3_000_000)
        XCTAssertTrue(zip(grid, grid.dropFirst()).allSatisfy { $0 < $1 })
        XCTAssertTrue(grid.contains(1_000_000) && grid.contains(1000))
        XCTAssertEqual(LogTimeGrid(steps: 1, pointsPerDecade: 3).times, [0, 1])
        XCTAssertEqual(LogTimeGrid(steps: 7, pointsPerDecade: 1).times, [0, 1, 7])
    }

    private let data = KernelGradientDescentTests.teacherData(n: 40, seed: 2)

    func testRowsChunksAndLogPoints() throws {
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 0.01)
        let logTimes = LogTimeGrid(steps: 1003, pointsPerDecade: 10).times
        var run = TrainingRun(kernel: kernel, steps: 1003, recordEvery: 10, logTimes: logTimes)
        run.rowsPerChunk = 7
        run.maxSegment = 64
        var chunks: [TrajectoryChunk] = []
        let record = try run.run(from: KernelGradientDescentTests.paperStart, extras: { [$0.w[0] * 2] }) {
            chunks.append($0)
        }

        // Rows at t = 0, 10, …, 1000: 101 rows in chunks of 7 with consecutive first steps.
        XCTAssertEqual(record.trajectoryRowCount, 101)
        XCTAssertEqual(chunks.map(\.rowCount).reduce(0, +), 101)
        XCTAssertTrue(chunks.dropLast().allSatisfy { $0.rowCount == 7 })
        XCTAssertEqual(chunks.map(\.firstStep), Array(stride(from: 0, to: 1001, by: 70)))
        let rows = chunks.flatMap(\.values)
        for t in [0, 10, 500, 1000] {
            var theta = KernelGradientDescentTests.paperStart
            XCTAssertEqual(kernel.run(&theta, steps: t), .completed)
            XCTAssertEqual(Array(rows[(t / 10 * 4)..<(t / 10 * 4 + 4)]), theta.flat, "row at t = \(t)")
        }

        XCTAssertEqual(record.logPoints.map(\.step), logTimes)
        for point in record.logPoints {
            var theta = KernelGradientDescentTests.paperStart
            _ = kernel.run(&theta, steps: point.step)
            XCTAssertEqual(point.network, theta)
            XCTAssertEqual(point.trainingError, TrainingError.value(theta, on: data), accuracy: 1e-14)
            let g = TrainingError.gradient(theta, on: data)
            XCTAssertEqual(point.gradientNorm, g.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-14)
            XCTAssertEqual(point.extras, [theta.w[0] * 2])
        }
        var final = KernelGradientDescentTests.paperStart
        _ = kernel.run(&final, steps: 1003)
        XCTAssertEqual(record.final, final)

        let inMemory = try run.run(from: KernelGradientDescentTests.paperStart, extras: { [$0.w[0] * 2] })
        XCTAssertEqual(inMemory.trajectory, rows)
        XCTAssertEqual(inMemory.logPoints, record.logPoints)
    }

    func testNoTrajectoryAndGeneralWidth() throws {
        let kernel = GradientDescentKernel(data: data, width: 3, learningRate: 0.01)
        let start = Network(w: [0.1, -0.2, 0.3], v: [0.2, 0.1, -0.1])
        let run = TrainingRun(kernel: kernel, steps: 50, recordEvery: nil, logTimes: [0, 50])
        let record = try run.run(from: start)
        XCTAssertEqual(record.trajectoryRowCount, 0)
        XCTAssertEqual(record.logPoints.map(\.step), [0, 50])
        let withRows = try TrainingRun(kernel: kernel, steps: 50, recordEvery: 1, logTimes: []).run(from: start)
        XCTAssertEqual(withRows.trajectory.count, 51 * 6)
        XCTAssertEqual(Array(withRows.trajectory.suffix(6)), record.final.flat)
    }

    func testDivergenceIsThrownWithTheKernelsStep() {
        let kernel = GradientDescentKernel(data: data, width: 2, learningRate: 60)
        var theta = KernelGradientDescentTests.paperStart
        guard case .diverged(let expected) = kernel.run(&theta, steps: 5000) else { return XCTFail("should diverge") }
        let run = TrainingRun(
            kernel: kernel, steps: 5000, recordEvery: 3, logTimes: LogTimeGrid(steps: 5000, pointsPerDecade: 4).times)
        XCTAssertThrowsError(try run.run(from: KernelGradientDescentTests.paperStart)) { error in
            guard let failure = error as? TrainingDiverged else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(failure.step, expected.step)
            XCTAssertEqual(failure.quantity, expected.quantity)
        }
    }
}
