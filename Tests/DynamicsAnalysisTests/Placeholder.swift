import XCTest

final class DynamicsAnalysisTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
