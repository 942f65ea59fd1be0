import DynamicsAnalysis
import HDF5Kit
import MLPNumerics
import Refinement

/// The phases stage's artifact: the learning curve cut into labelled segments, the escapes, and
/// one refined critical point per segment.
///
/// Layout (S segments):
/// - `/segments/{label (S strings: plateau, transition, nearOptimalSaddle, approachToAttractor,
///   converged), t_start, t_end, E_tr_start, E_tr_end, E_gen_start, E_gen_end, min_grad_norm,
///   index (int64, most frequent raw index), point_count (int64)}`.
/// - `/escapes/{t, from_index, to_index}`: where the debounced Hessian index drops.
/// - `/slopes/{t, slope}`: the fitted local slope d log E_tr / d log t at each grid point t ≥ 1.
/// - `/critical/<n>` (n = segment number, when `refine_representatives`): a
///   `CriticalPointRecord` labelled with the segment's phase, refined from the grid point of the
///   segment with the smallest ‖∇E_tr‖; extra attributes `segment` and `representative_t`.
///   Each record is located on the known sets (`limit_set`; on the embedded line also `gamma`).
/// - Root attributes `t_star`, `E_gen_star` (argmin and min of E_gen on the grid), `converged`
///   (0/1) and, when converged, `convergence_time`; `line_A` (the line's coefficient A),
///   `line_prediction` (the line stage's predicted destination of the run's start),
///   `line_reached` (the limit set of θ_T when certain, else of the refined θ_T when the run
///   converged: kind, γ, index, and whether it is on L's interior)
///   and `line_prediction_agrees` (1/0; −1 when not applicable or not converged).
public struct PhasesArtifact {
    /// One labelled stretch of the learning curve.
    public struct Segment: Equatable {
        public let label: String
        public let tStart: Double
        public let tEnd: Double
        public let trainingErrorAtStart: Double
        public let trainingErrorAtEnd: Double
        public let generalizationErrorAtStart: Double
        public let generalizationErrorAtEnd: Double
        public let minimumGradientNorm: Double
        public let index: Int
        public let pointCount: Int
    }

    /// A drop of the debounced Hessian index.
    public struct Escape: Equatable {
        public let t: Double
        public let fromIndex: Int
        public let toIndex: Int
    }

    /// A segment's refined representative.
    public struct Representative: Equatable {
        public let segment: Int
        /// The grid time the refinement started from.
        public let t: Double
        public let record: CriticalPointRecord
    }

    /// The run's destination relative to the embedded line's interior, next to the prediction.
    public struct LineOutcome: Equatable {
        public let coefficient: Double
        public let prediction: InteriorOutcome
        public let reached: String
        /// nil when not applicable or not converged.
        public let agrees: Bool?
    }

    public let segments: [Segment]
    public let escapes: [Escape]
    /// t* = argmin E_gen and E_gen(t*).
    public let earlyStoppingTime: Double
    public let earlyStoppingGeneralizationError: Double
    /// First t from which ‖∇E_tr‖ stays below the tolerance; nil if never.
    public let convergenceTime: Double?
    public let slopeTimes: [Double]
    public let slopes: [Double]
    /// In segment order; empty when refinement was off.
    public let representatives: [Representative]
    public let line: LineOutcome

    /// Writes the layout.
    /// - Throws: `HDF5Error` when a member cannot be written.
    static func write(
        to root: HDF5Group, report: PhaseReport, times: [Double], toSingular: [Double], toOptimal: [Double]?,
        destination: Destination, representatives: [Representative], line: LineOutcome
    ) throws {
        let segments = report.segments
        let s = try root.createGroup("segments")
        try s.createDataset("label", strings: segments.map(\.phase.rawValue))
            .setAttribute("description", .string("phase of each segment; rules in docs/phases.md"))
        try s.createDataset("t_start", doubles: segments.map(\.startTime))
        try s.createDataset("t_end", doubles: segments.map(\.endTime))
        try s.createDataset("E_tr_start", doubles: segments.map(\.trainingErrorAtStart))
        try s.createDataset("E_tr_end", doubles: segments.map(\.trainingErrorAtEnd))
        try s.createDataset("E_gen_start", doubles: segments.map(\.generalizationErrorAtStart))
        try s.createDataset("E_gen_end", doubles: segments.map(\.generalizationErrorAtEnd))
        try s.createDataset("min_grad_norm", doubles: segments.map(\.minimumGradientNorm))
            .setAttribute("description", .string("smallest |grad E_tr| over the segment's grid points"))
        try s.createDataset("index", int64s: segments.map { Int64($0.index) })
            .setAttribute("description", .string("most frequent Hessian index over the segment (smaller on ties)"))
        try s.createDataset("point_count", int64s: segments.map { Int64($0.pointCount) })

        let e = try root.createGroup("escapes")
        try e.setAttribute(
            "description", .string("times where the debounced Hessian index drops: escapes from saddles"))
        try e.createDataset("t", doubles: report.escapes.map(\.time))
        try e.createDataset("from_index", int64s: report.escapes.map { Int64($0.fromIndex) })
        try e.createDataset("to_index", int64s: report.escapes.map { Int64($0.toIndex) })

        let slopes = try root.createGroup("slopes")
        try slopes.createDataset("t", doubles: times.filter { $0 >= 1 })
        try slopes.createDataset("slope", doubles: report.slopes)
            .setAttribute(
                "description", .string("least-squares slope of log E_tr against log t over +-slope_window_decades"))

        try root.setAttribute("t_star", .double(report.earlyStoppingTime))
        try root.setAttribute("E_gen_star", .double(report.earlyStoppingGeneralizationError))
        try root.setAttribute("converged", .int64(report.convergenceTime == nil ? 0 : 1))
        if let time = report.convergenceTime { try root.setAttribute("convergence_time", .double(time)) }

        let distances = try root.createGroup("distances")
        try distances.createDataset("to_singular", doubles: toSingular)
            .setAttribute(
                "description",
                .string("Euclidean distance from theta_t to the singular set (w_i = 0, v_i = 0, w_i = +-w_j)"))
        if let toOptimal {
            try distances.createDataset("to_optimal", doubles: toOptimal)
                .setAttribute(
                    "description", .string("Euclidean distance from theta_t to the optimal region M (f = f*)"))
        }
        try root.setAttribute("destination", .string(destination.rawValue))
        try root.setAttribute("line_A", .double(line.coefficient))
        try root.setAttribute("line_prediction", .string(line.prediction.rawValue))
        try root.setAttribute("line_reached", .string(line.reached))
        try root.setAttribute("line_prediction_agrees", .int64(line.agrees.map { $0 ? 1 : 0 } ?? -1))

        let critical = try root.createGroup("critical")
        for representative in representatives {
            let group = try critical.createGroup(String(representative.segment))
            try representative.record.write(to: group)
            try group.setAttribute("segment", .int64(Int64(representative.segment)))
            try group.setAttribute("representative_t", .double(representative.t))
        }
    }

    /// Reads a phases artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        let s = try root.group("segments")
        func doubles(_ name: String) throws -> [Double] { try s.dataset(name).readDoubles() }
        let labels = try s.dataset("label").readStrings()
        let (t0, t1) = (try doubles("t_start"), try doubles("t_end"))
        let (e0, e1) = (try doubles("E_tr_start"), try doubles("E_tr_end"))
        let (g0, g1) = (try doubles("E_gen_start"), try doubles("E_gen_end"))
        let minGrad = try doubles("min_grad_norm")
        let index = try s.dataset("index").readInt64s()
        let count = try s.dataset("point_count").readInt64s()
        segments = labels.indices.map {
            Segment(
                label: labels[$0], tStart: t0[$0], tEnd: t1[$0], trainingErrorAtStart: e0[$0],
                trainingErrorAtEnd: e1[$0], generalizationErrorAtStart: g0[$0], generalizationErrorAtEnd: g1[$0],
                minimumGradientNorm: minGrad[$0], index: Int(index[$0]), pointCount: Int(count[$0]))
        }
        let e = try root.group("escapes")
        let (et, from, to) = (
            try e.dataset("t").readDoubles(), try e.dataset("from_index").readInt64s(),
            try e.dataset("to_index").readInt64s()
        )
        escapes = et.indices.map { Escape(t: et[$0], fromIndex: Int(from[$0]), toIndex: Int(to[$0])) }
        earlyStoppingTime = try root.double("t_star")
        earlyStoppingGeneralizationError = try root.double("E_gen_star")
        convergenceTime = try root.int("converged") != 0 ? try root.double("convergence_time") : nil
        let slopeGroup = try root.group("slopes")
        slopeTimes = try slopeGroup.dataset("t").readDoubles()
        slopes = try slopeGroup.dataset("slope").readDoubles()
        let critical = try root.group("critical")
        representatives = try critical.memberNames().compactMap(Int.init).sorted().map { n in
            let group = try critical.group(String(n))
            return Representative(
                segment: try group.int("segment"), t: try group.double("representative_t"),
                record: try CriticalPointRecord(reading: group))
        }
        let agrees = try root.int("line_prediction_agrees")
        line = LineOutcome(
            coefficient: try root.double("line_A"),
            prediction: InteriorOutcome(rawValue: try root.string("line_prediction")) ?? .notApplicable,
            reached: try root.string("line_reached"), agrees: agrees < 0 ? nil : agrees == 1)
    }
}
