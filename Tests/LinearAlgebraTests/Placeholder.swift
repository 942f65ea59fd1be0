import XCTest

final class LinearAlgebraTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
