import MLPNumerics

/// A plateau of a run (or its end) refined to a critical point and named: the saddles a run passes.
public struct RefinedPlateau: Sendable {
    /// The phase detector's label (`plateau`, `nearOptimalSaddle`) or `final`.
    public let phase: String
    /// The grid index refined (the segment's point closest to criticality) and the segment's t range.
    public let gridIndex: Int
    public let range: ClosedRange<Int>
    public let refinement: CriticalPointRefinement
    /// What the refined point is: the origin, an embedded narrower network, a full-width minimum or saddle.
    public let type: EmbeddedCriticalPoint
}

extension SaddleToSaddleRun {
    /// Detects the phases, refines each plateau's and near-optimal stretch's grid point closest to
    /// criticality, and the run's last point, by Newton, and names the critical points reached.
    /// - Returns: the refined points in time order (the final one last) and the phase report (nil when
    ///   the detector found too few points).
    public func refinedPlateaus(
        data: TrainingSet, detection: PhaseDetectionSettings, refiner: CriticalPointRefinerSettings,
        widthTolerance: Double
    ) -> (plateaus: [RefinedPlateau], report: PhaseReport?) {
        var picks: [(phase: String, at: Int, range: ClosedRange<Int>)] = []
        let report = try? PhaseDetector.detect(
            time: t.map(Double.init), trainingError: trainingError, generalizationError: generalizationError,
            gradientNorm: gradientNorm, index: index, settings: detection)
        for segment in report?.segments ?? [] where segment.phase == .plateau || segment.phase == .nearOptimalSaddle {
            let members = t.indices.filter { Double(t[$0]) >= segment.startTime && Double(t[$0]) <= segment.endTime }
            guard let best = members.min(by: { gradientNorm[$0] < gradientNorm[$1] }) else { continue }
            picks.append((segment.phase.rawValue, best, Int(segment.startTime)...Int(segment.endTime)))
        }
        let last = t.count - 1
        picks.append(("final", last, t[last]...t[last]))
        let plateaus = picks.map { pick in
            let refined = CriticalPointRefiner.refine(network(at: pick.at), on: data, settings: refiner)
            let type = EmbeddedCriticalPoint(
                Network(flat: refined.point), index: refined.analysis?.index ?? -1, data: data,
                tolerance: widthTolerance)
            return RefinedPlateau(
                phase: pick.phase, gridIndex: pick.at, range: pick.range, refinement: refined, type: type)
        }
        return (plateaus, report)
    }
}
