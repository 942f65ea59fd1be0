import DynamicsAnalysis
import XCTest

final class DestinationTests: XCTestCase {
    private let times = [0.0, 1, 10, 100, 1000, 10000]

    func testShrinkingDistanceToOptimalRegionIsApproaching() {
        let distance = [1.5, 1.4, 0.9, 0.2, 0.05, 0.02]
        XCTAssertEqual(
            Destination.classify(time: times, distanceToOptimal: distance, converged: true, nearDistance: 0.1),
            .approachingOptimalRegion)
    }

    func testFarFromOptimalRegionConvergedIsConverged() {
        let distance = [1.5, 1.4, 0.9, 0.9, 0.9, 0.9]
        XCTAssertEqual(
            Destination.classify(time: times, distanceToOptimal: distance, converged: true, nearDistance: 0.1),
            .converged)
        XCTAssertEqual(
            Destination.classify(time: times, distanceToOptimal: distance, converged: false, nearDistance: 0.1),
            .stillMoving)
    }

    func testNearButReceding() {
        // Close to M but moving away over the last decade (the noisy run leaving the near-optimal saddle).
        let distance = [1.5, 1.4, 0.9, 0.01, 0.02, 0.05]
        XCTAssertEqual(
            Destination.classify(time: times, distanceToOptimal: distance, converged: false, nearDistance: 0.1),
            .stillMoving)
    }

    func testWithoutOptimalRegion() {
        XCTAssertEqual(
            Destination.classify(time: times, distanceToOptimal: nil, converged: true, nearDistance: 0.1), .converged)
    }
}
