import DynamicsAnalysis
import Foundation
import HDF5Kit
import Projected
import Saddles
import TestSupport
import XCTest

/// The projected and saddles stages run by the driver on a small project, their artifacts read
/// back through their layouts, and a branch time the trajectory does not hold refused.
final class RelatedStudiesTests: ProjectTestCase {
    override var initialConfig: [String: Any] { smallConfig(studies: true) }

    func testProjectedAndSaddlesStagesWriteTheirStudies() throws {
        try pipeline(["run", "projected", "saddles", "-j", "2"])
        let config = URL(fileURLWithPath: configPath)
        let projected = try ProjectedArtifact(
            reading: try HDF5File.open(try currentArtifact("projected[noisy]", config: config).path))
        // One SGD (t0 = 500, η = 0.05) and one GD (t0 = 1000, η = 0.3) experiment, three variants each.
        XCTAssertEqual(projected.branches.count, 6)
        XCTAssertEqual(projected.ratios.map(\.method), [.sgd, .gd])
        for branch in projected.branches {
            XCTAssertEqual(branch.record.t.first, 0)
            XCTAssertEqual(branch.record.t.last, branch.experiment.steps)
            XCTAssertTrue(branch.record.fullAlignment.allSatisfy { $0.isNaN || (0...1).contains($0) })
            XCTAssertEqual(branch.record.stochasticAlignment.contains { !$0.isNaN }, branch.experiment.method == .sgd)
        }
        // Every variant starts from the same recorded point: equal excess at t = 0.
        let starts = Set(projected.branches.filter { $0.experiment.method == .sgd }.map { $0.record.excess[0] })
        XCTAssertEqual(starts.count, 1)

        let saddles = try SaddlesArtifact(
            reading: try HDF5File.open(try currentArtifact("saddles[noisy]", config: config).path))
        XCTAssertEqual(saddles.starts.map(\.start.width), [1, 1, 2, 2])
        for result in saddles.starts {
            XCTAssertNotNil(result.run.escapeTime, "width \(result.start.width) α = \(result.start.scale)")
            XCTAssertEqual(result.run.effectiveWidth.first, 0)
            XCTAssertEqual(result.plateaus.last?.phase, "final")
        }
        // α = 1e-4 escapes later than α = 1e-2 by about two decades of the linearised rate.
        let early = saddles.starts[1].run.escapeTime!, late = saddles.starts[0].run.escapeTime!
        XCTAssertEqual(Double(late - early) / 2, saddles.discreteSlope, accuracy: 0.1 * saddles.discreteSlope)
    }

    func testABranchTimeBetweenRecordedRowsIsRefused() throws {
        write(
            jsonText(setting(smallConfig(studies: true), "projected.sgd.t0", [1005])),
            to: URL(fileURLWithPath: configPath))
        let result = try pipeline(["run", "projected"], expect: 2)
        XCTAssertTrue(result.stderr.contains("projected.sgd.t0"), result.stderr)
        XCTAssertTrue(result.stderr.contains("record_every"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results.appendingPathComponent("projected").path))
    }
}
