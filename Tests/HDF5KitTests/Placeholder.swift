import XCTest

final class HDF5KitTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
