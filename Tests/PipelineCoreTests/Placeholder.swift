import XCTest

final class PipelineCoreTestsPlaceholder: XCTestCase {
    func testBuilds() {}
}
