import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import Refinement

/// The saddles stage's artifact.
///
/// Layout: root attributes `s` ((1/n) Σ x y), `eta`, `predicted_slope` (ln 10 / (2ηs), steps per
/// decade of 1/α), `discrete_slope` (ln 10 / ln(1 + 2ηs), the same for the discrete GD map),
/// `measured_slope` (least squares of escape time against log10(1/α) over starts with
/// α ≤ `slope_max_scale`; NaN with fewer than two scales), `measured_slope_by_width` (one per
/// width, in `widths` order), `widths`, `escape_threshold`, `E_1` (the width-1 fit's E_tr);
/// `/starts/<nnn>/` per start (attributes `width`, `scale`, `seed`, `escape_time` (−1: never),
/// `reached_minimum` (0/1)) with `t`, `theta` (N × 2m), `E_tr`, `E_gen`, `grad_norm`, `index`,
/// `effective_width` on the log grid, and `plateaus/` (P entries: `phase` (strings, the phase
/// detector's label, or `final`), `t` (the refined grid point), `t_start`, `t_end`, `theta`
/// (P × 2m, the refined point), `index`, `E_tr`, `converged` (0/1), `kind` (strings: origin,
/// embedded, minimum, saddle), `embedded_width`, `summary` (strings: zero and duplicated units
/// and the narrower network's A_i), `max_eigenvalue_error` (at the origin: max ||λ| − 2s|; NaN
/// elsewhere)).
public struct SaddlesArtifact {
    /// A refined plateau (or the final point) and what it is.
    public struct Plateau {
        public let phase: String
        public let t: Int
        public let tStart: Int
        public let tEnd: Int
        public let point: Network
        public let index: Int
        public let trainingError: Double
        public let converged: Bool
        public let kind: EmbeddedCriticalPoint.Kind
        public let embeddedWidth: Int
        /// `EmbeddedCriticalPoint.summary`.
        public let summary: String
        /// At the origin, max over the eigenvalues of ||λ| − 2s|; NaN elsewhere.
        public let originEigenvalueError: Double
    }

    /// One start's run and its plateaus.
    public struct StartResult {
        public let start: SaddlesStage.Start
        public let run: SaddleToSaddleRun
        public let plateaus: [Plateau]

        /// Detects the phases, refines each plateau's (and the final) grid point closest to
        /// criticality and classifies the critical point reached.
        init(start: SaddlesStage.Start, run: SaddleToSaddleRun, data: TrainingSet, settings: SaddlesStage.Settings)
            throws
        {
            self.start = start
            self.run = run
            let s = SaddleToSaddleRun.originRate(data)
            plateaus = run.refinedPlateaus(
                data: data, detection: settings.detection, refiner: settings.refiner,
                widthTolerance: settings.run.widthTolerance
            ).plateaus.map { plateau in
                let (refined, type) = (plateau.refinement, plateau.type)
                let originError =
                    type.kind == .origin
                    ? (refined.analysis?.spectrum.values ?? [.nan]).map { abs(abs($0) - 2 * s) }.max() ?? .nan : .nan
                return Plateau(
                    phase: plateau.phase, t: run.t[plateau.gridIndex], tStart: plateau.range.lowerBound,
                    tEnd: plateau.range.upperBound, point: Network(flat: refined.point),
                    index: refined.analysis?.index ?? -1, trainingError: refined.value, converged: refined.converged,
                    kind: type.kind, embeddedWidth: type.embeddedWidth, summary: type.summary,
                    originEigenvalueError: originError)
            }
        }

        init(start: SaddlesStage.Start, run: SaddleToSaddleRun, plateaus: [Plateau]) {
            self.start = start
            self.run = run
            self.plateaus = plateaus
        }
    }

    public let starts: [StartResult]
    /// s = (1/n) Σ x y.
    public let originRate: Double
    public let eta: Double
    public let escapeThreshold: Double
    public let widthOneError: Double
    public let slopeMaxScale: Double

    /// ln 10 / (2ηs): steps per decade of 1/α of the linearised escape (gradient flow).
    public var predictedSlope: Double { log(10) / (2 * eta * originRate) }
    /// ln 10 / ln(1 + 2ηs): the same for the discrete GD map (growth factor 1 + 2ηs per step).
    public var discreteSlope: Double { log(10) / log(1 + 2 * eta * originRate) }

    /// The widths studied, ascending.
    public var widths: [Int] { Array(Set(starts.map(\.start.width))).sorted() }

    /// (log10(1/α), escape time) of the starts that escaped with α ≤ `slopeMaxScale` (of width
    /// `width` when given): the points the escape slope is fitted on.
    public func slopePoints(width: Int? = nil) -> [(decades: Double, escapeTime: Double)] {
        starts.filter { $0.start.scale <= slopeMaxScale && (width == nil || $0.start.width == width) }
            .compactMap { s in s.run.escapeTime.map { (log10(1 / s.start.scale), Double($0)) } }
    }

    /// Least-squares slope of escape time against log10(1/α) over `slopePoints(width:)`; NaN
    /// without two distinct scales.
    public func escapeSlope(width: Int? = nil) -> Double {
        let points = slopePoints(width: width)
        guard Set(points.map(\.decades)).count >= 2 else { return .nan }
        let mx = points.reduce(0) { $0 + $1.0 } / Double(points.count),
            my = points.reduce(0) { $0 + $1.1 } / Double(points.count)
        let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) },
            sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxy / sxx
    }

    func write(to root: HDF5Group) throws {
        func described(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try root.setAttribute("s", .double(originRate))
        try root.setAttribute("eta", .double(eta))
        try root.setAttribute("predicted_slope", .double(predictedSlope))
        try root.setAttribute("discrete_slope", .double(discreteSlope))
        try root.setAttribute("measured_slope", .double(escapeSlope()))
        try root.setAttribute("measured_slope_by_width", .doubles(widths.map { escapeSlope(width: $0) }))
        try root.setAttribute("widths", .doubles(widths.map(Double.init)))
        try root.setAttribute("slope_max_scale", .double(slopeMaxScale))
        try root.setAttribute("escape_threshold", .double(escapeThreshold))
        try root.setAttribute("E_1", .double(widthOneError))
        let group = try root.createGroup("starts")
        for (n, result) in starts.enumerated() {
            let g = try group.createGroup(String(format: "%03d", n))
            let run = result.run, m = result.start.width
            try g.setAttribute("width", .int64(Int64(m)))
            try g.setAttribute("scale", .double(result.start.scale))
            try g.setAttribute("seed", .int64(Int64(result.start.seed)))
            try g.setAttribute("escape_time", .int64(Int64(run.escapeTime ?? -1)))
            try g.setAttribute("reached_minimum", .int64(run.reachedMinimum ? 1 : 0))
            try run.writeCurves(to: g, width: m)
            let p = try g.createGroup("plateaus")
            let plateaus = result.plateaus
            try described(
                p.createDataset("phase", strings: plateaus.map(\.phase)),
                "phase detector label of the segment, or final")
            try described(p.createDataset("t", int64s: plateaus.map { Int64($0.t) }), "grid time refined")
            try described(p.createDataset("t_start", int64s: plateaus.map { Int64($0.tStart) }), "segment start")
            try described(p.createDataset("t_end", int64s: plateaus.map { Int64($0.tEnd) }), "segment end")
            try described(
                p.createDataset("theta", doubles: plateaus.flatMap(\.point.flat), shape: [plateaus.count, 2 * m]),
                "refined critical point")
            try described(
                p.createDataset("index", int64s: plateaus.map { Int64($0.index) }),
                "Hessian index at the refined point (-1: not finite)")
            try described(p.createDataset("E_tr", doubles: plateaus.map(\.trainingError)), "E_tr at the refined point")
            try described(
                p.createDataset("converged", int64s: plateaus.map { $0.converged ? 1 : 0 }), "Newton met its tolerance")
            try described(
                p.createDataset("kind", strings: plateaus.map(\.kind.rawValue)), "origin, embedded, minimum or saddle")
            try described(
                p.createDataset("embedded_width", int64s: plateaus.map { Int64($0.embeddedWidth) }), "effective width k"
            )
            try described(
                p.createDataset("summary", strings: plateaus.map(\.summary)),
                "zero and duplicated units, A_i of the narrower network")
            try described(
                p.createDataset("max_eigenvalue_error", doubles: plateaus.map(\.originEigenvalueError)),
                "at the origin: max over eigenvalues of ||lambda| - 2s| (NaN elsewhere)")
        }
    }

    init(
        starts: [StartResult], originRate: Double, eta: Double, escapeThreshold: Double, widthOneError: Double,
        slopeMaxScale: Double
    ) {
        self.starts = starts
        self.originRate = originRate
        self.eta = eta
        self.escapeThreshold = escapeThreshold
        self.widthOneError = widthOneError
        self.slopeMaxScale = slopeMaxScale
    }

    /// Reads the artifact back: the curves and escape times, and the plateaus' phase, time, kind,
    /// effective width and summary (their points and spectra are not read).
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        originRate = try root.double("s")
        eta = try root.double("eta")
        escapeThreshold = try root.double("escape_threshold")
        widthOneError = try root.double("E_1")
        slopeMaxScale = try root.double("slope_max_scale")
        let group = try root.group("starts")
        starts = try group.memberNames().sorted().map { name in
            let g = try group.group(name)
            let m = try g.int("width")
            let run = try SaddleToSaddleRun(readingCurves: g)
            let p = try g.group("plateaus")
            let phases = try p.dataset("phase").readStrings(), times = try p.dataset("t").readInt64s()
            let kinds = try p.dataset("kind").readStrings(), summaries = try p.dataset("summary").readStrings()
            let widths = try p.dataset("embedded_width").readInt64s(), indices = try p.dataset("index").readInt64s()
            let energies = try p.dataset("E_tr").readDoubles(), converged = try p.dataset("converged").readInt64s()
            let starts = try p.dataset("t_start").readInt64s(), ends = try p.dataset("t_end").readInt64s()
            let points = try p.dataset("theta").readDoubles(),
                errors = try p.dataset("max_eigenvalue_error").readDoubles()
            let plateaus = try phases.indices.map { i in
                guard let kind = EmbeddedCriticalPoint.Kind(rawValue: kinds[i]) else {
                    throw HDF5Error(operation: "read \(name)/plateaus/kind", message: "unknown kind \(kinds[i])")
                }
                return Plateau(
                    phase: phases[i], t: Int(times[i]), tStart: Int(starts[i]), tEnd: Int(ends[i]),
                    point: Network(flat: Array(points[(i * 2 * m)..<((i + 1) * 2 * m)])), index: Int(indices[i]),
                    trainingError: energies[i], converged: converged[i] == 1, kind: kind, embeddedWidth: Int(widths[i]),
                    summary: summaries[i], originEigenvalueError: errors[i])
            }
            return StartResult(
                start: SaddlesStage.Start(width: m, scale: try g.double("scale"), seed: UInt64(try g.int("seed"))),
                run: run, plateaus: plateaus)
        }
    }
}
