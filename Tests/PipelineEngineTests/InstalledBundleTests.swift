import Foundation
import PipelineCore
import PipelineEngine
import TestSupport
import XCTest

/// A driver run from an unpacked bundle keys nodes by the identities built into it (no source tree
/// is read), names the bundle's commit, and makes the bundle the project root of its stages.
final class InstalledBundleTests: XCTestCase {
    private var directory: URL!

    override func setUp() {
        directory = makeTemporaryDirectory("mlp-bundle")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func testABundleIsFoundFromItsBinFolderAndHasNoSourceTree() throws {
        let top = directory.appendingPathComponent("mlp-dynamics-0.1.0-linux-x86_64")
        write("name=mlp-dynamics\ncommit=0123abc\ntarget_cpu=x86-64-v3\n", to: top.appendingPathComponent("BUNDLE"))
        let bundle = try XCTUnwrap(InstalledBundle(holding: top.appendingPathComponent("bin")))
        XCTAssertEqual(bundle.root.path, top.path)
        XCTAssertEqual(bundle.commit, "0123abc")
        let layout = ProjectLayout(root: top, binDirectory: top.appendingPathComponent("bin"))
        XCTAssertNil(InstalledBundle.sourceRoot(of: layout))
    }

    func testACloneIsNoBundleAndKeepsItsSourceTree() {
        write("// swift-tools-version:5.9\n", to: directory.appendingPathComponent("Package.swift"))
        let layout = ProjectLayout(root: directory, binDirectory: directory.appendingPathComponent(".build/release"))
        XCTAssertNil(InstalledBundle(holding: layout.binDirectory))
        XCTAssertNil(InstalledBundle(at: nil))
        XCTAssertEqual(InstalledBundle.sourceRoot(of: layout)?.path, directory.path)
    }

    func testAMarkerWithoutACommitNamesNone() throws {
        write("name=mlp-dynamics\n", to: directory.appendingPathComponent("BUNDLE"))
        XCTAssertNil(try XCTUnwrap(InstalledBundle(at: directory)).commit)
    }
}
