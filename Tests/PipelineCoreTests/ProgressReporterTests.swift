import Foundation
import PipelineCore
import TestSupport
import XCTest

/// Progress on a terminal, in logs, and in the file the driver reads.
final class ProgressReporterTests: XCTestCase {
    func testProgressLinesAndQuiet() {
        var text = ""
        let progress = ProgressReporter(label: "train", total: 1000, style: .lines) { text += $0 }
        for t in stride(from: 0, through: 1000, by: 50) { progress.update(t) }
        progress.finish()
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 11, text)  // 10 %, 20 %, …, 100 %, then "done"
        XCTAssertTrue(lines[0].hasPrefix("train: 10% (100/1000)"), String(lines[0]))
        XCTAssertTrue(lines.last!.hasSuffix("done"))

        var quietText = ""
        let quiet = ProgressReporter(label: "q", total: 10, style: .quiet) { quietText += $0 }
        quiet.update(5)
        quiet.finish()
        XCTAssertEqual(quietText, "")

        var barText = ""
        let bar = ProgressReporter(label: "b", total: 10, style: .bar) { barText += $0 }
        bar.finish()
        XCTAssertTrue(barText.hasPrefix("\rb [##############################] 100%"), barText)
    }

    func testProgressFileHoldsDoneAndTotal() throws {
        let file = makeTemporaryDirectory().appendingPathComponent("node.progress")
        let progress = ProgressReporter(label: "p", total: 200, style: .quiet, file: file.path)
        progress.update(50)
        XCTAssertEqual(
            try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isWhitespace), ["50", "200"])
        progress.finish()
        XCTAssertEqual(
            try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isWhitespace), ["200", "200"])
    }
}
