import XCTest

final class MLPNumericsTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
