import DynamicsAnalysis
import HDF5Kit
import MLPNumerics
import Refinement

/// The multistart stage's artifact: N seeded random starts trained by GD, each limit located on
/// its set, and the limits grouped into limit functions.
///
/// Layout (N starts, d = 2m, F limit functions, P distinct critical points on no known set):
/// - `/starts/{initial (N × d), final (N × d: where GD stopped), converged (N, int64 0/1:
///   ‖∇E_tr‖ < gradient_tolerance), certified (N, int64 0/1: stopped early, limit set certain),
///   diverged (N), steps (N, int64), final_E_tr (N), final_grad_norm (N),
///   limit_kind (N strings: `LimitSetKind`), limit (N × d: the refined limit on its set, NaN when
///   not converged; at infinity a finite network computing the limit function, `Face.network`),
///   limit_face (N strings: the face of a limit at infinity, e.g. "tanh + linear"; "" otherwise),
///   limit_period (N, int64: the least period k of a periodic orbit of GD, 0 otherwise),
///   limit_multiplier (N: spectral radius of DG^k on that orbit, < 1; NaN otherwise),
///   limit_E_tr_max (N: the orbit's largest E_tr, `limit_E_tr` being its smallest; NaN otherwise),
///   limit_E_tr (N), limit_index (N, int64, −1 when none), gamma (N: γ on L, folded
///   γ ≥ 1/2, NaN off L), gamma_stable (N, int64: 1 in a GD-stable segment, 0 not, −1 off L),
///   critical_point (N, int64: which distinct isolated/other critical point modulo symmetry, −1
///   otherwise), function (N, int64: limit function, −1 when not converged)}`.
/// - `/functions/{kind (F strings; kinds of the members, joined by " + " if they differ), count (F),
///   basin_fraction (F: count / N), wilson_low, wilson_high (F: 95 % Wilson score interval),
///   E_tr, E_gen (F, of the representative), index (F, int64), representative (F × d: the first
///   member's limit), gamma_min, gamma_max (F: over the members on L, NaN otherwise),
///   stable_count (F, int64: members on L in a GD-stable segment)}`.
/// - `/critical/<p>`: a `CriticalPointRecord` per distinct critical point on no known set;
///   `/functions/critical/<k>`: a record of each function's representative (located: `limit_set`,
///   `gamma`).
/// - `/line`: the embedded line used — attributes `w_star`, `c_star`, `E_tr`, `A`, `eta`, dataset
///   `stable_segments` (K × 2) for the multistart η; or attribute `skipped` (width ≠ 2).
/// - Root attributes `starts`, `converged_count`, `certified_count`, `at_infinity_count` (located at
///   infinity, a subset of the certified), `periodic_count` (on a periodic orbit of GD, likewise), `unconverged_count`,
///   `unconverged_wilson_low/high`, `diverged_count`, `function_count`, `critical_point_count`,
///   `early_stop` (0/1), `optimal_manifold_applies` (0/1: M is a set of global minima here), and the
///   run-record attributes `timing_wall_seconds`, `timing_runs_per_second`,
///   `timing_steps_per_second` (excluded from the content hash).
public struct MultiStartArtifact {
    /// One start: where it began, where GD stopped and why, and its located limit.
    public struct Start: Equatable {
        public let initial: Network
        public let final: Network
        public let converged: Bool
        public let certified: Bool
        public let diverged: Bool
        public let steps: Int
        public let finalTrainingError: Double
        public let finalGradientNorm: Double
        /// `LimitSetKind` raw value.
        public let limitKind: String
        /// The face of a limit at infinity (`Face.description`), nil otherwise.
        public let limitFace: String?
        /// The least period of a periodic orbit of GD, nil otherwise.
        public let limitPeriod: Int?
        /// The refined limit on its set; nil when not converged.
        public let limit: Network?
        public let limitIndex: Int?
        public let gamma: Double?
        public let gammaStable: Bool?
        public let criticalPoint: Int?
        public let function: Int?
    }

    /// One limit function.
    public struct Function: Equatable {
        public let kind: String
        public let count: Int
        public let basinFraction: Double
        public let wilsonLow: Double
        public let wilsonHigh: Double
        public let trainingError: Double
        public let generalizationError: Double
        public let index: Int
        public let representative: Network
        public let gammaRange: ClosedRange<Double>?
        public let stableCount: Int
        public let record: CriticalPointRecord
    }

    public let starts: [Start]
    public let functions: [Function]
    public let criticalPoints: [CriticalPointRecord]
    public let unconvergedCount: Int
    public let divergedCount: Int
    public let certifiedCount: Int
    /// Starts located at infinity (a subset of the certified).
    public let atInfinityCount: Int
    /// Starts located on a periodic orbit of GD (a subset of the certified).
    public let periodicCount: Int
    public let earlyStop: Bool
    /// The line's GD-stable segments for the multistart η (empty when L does not apply).
    public let lineSegments: [ClosedRange<Double>]
    /// (w*, c*) of the line, nil when it does not apply.
    public let line: (w: Double, c: Double)?
    /// The line's coefficient A (the sign of the curvature across its interior), nil when it does not apply.
    public let lineCoefficient: Double?
    public let wallSeconds: Double

    /// Writes the layout.
    /// - Throws: `HDF5Error` when a member cannot be written.
    static func write(
        to root: HDF5Group, report: MultiStartReport, data: TrainingSet, teacher: Network, line: EmbeddedLine,
        lineApplies: Bool,
        segments: [ClosedRange<Double>], eta: Double, earlyStop: Bool, seconds: Double
    ) throws {
        let n = report.starts.count
        let d = report.starts.first?.flat.count ?? 0
        let columns = Network.columnNames(width: d / 2)
        func describe(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        let nan = [Double](repeating: .nan, count: d)

        let s = try root.createGroup("starts")
        try s.createDataset("initial", doubles: report.starts.flatMap(\.flat), shape: [n, d]).setAttribute(
            "columns", .string(columns))
        try describe(
            s.createDataset("final", doubles: report.descents.flatMap(\.final.flat), shape: [n, d]),
            "theta where GD stopped")
        try describe(
            s.createDataset("converged", int64s: report.descents.map { $0.converged ? 1 : 0 }),
            "1 if |grad E_tr| < gradient_tolerance within max_steps")
        try describe(
            s.createDataset("certified", int64s: report.certified.map { $0 ? 1 : 0 }),
            "1 if the start was stopped early because its limit set was certain (LimitSetCertifier)")
        try describe(
            s.createDataset("diverged", int64s: report.descents.map { $0.diverged == nil ? 0 : 1 }),
            "1 if a non-finite value appeared")
        try describe(s.createDataset("steps", int64s: report.descents.map { Int64($0.steps) }), "GD steps taken")
        try s.createDataset("final_E_tr", doubles: report.descents.map(\.trainingError))
        try s.createDataset("final_grad_norm", doubles: report.descents.map(\.gradientNorm))
        try describe(
            s.createDataset("limit_kind", strings: report.limits.map { ($0?.kind ?? .notConverged).rawValue }),
            "isolated minimum, embedded line, optimal manifold M, other critical point, at infinity, periodic orbit of "
                + "GD or not converged"
        )
        try describe(
            s.createDataset("limit_face", strings: report.limits.map { $0?.atInfinity?.face.description ?? "" }),
            "for a limit at infinity, the role of each unit on its face (tanh, linear: w -> 0 with v w -> p, step: |w| "
                + "-> inf, dipole(i,j): two units merging with v_i = -v_j -> inf); empty otherwise"
        )
        try describe(
            s.createDataset("limit_period", int64s: report.limits.map { Int64($0?.orbit?.period ?? 0) }),
            "least period k >= 2 of the periodic orbit of GD (theta = G^k(theta), G(theta) = theta - eta grad E_tr) "
                + "the start settled on; 0 otherwise"
        )
        try describe(
            s.createDataset("limit_multiplier", doubles: report.limits.map { $0?.orbit?.multiplierRadius ?? .nan }),
            "spectral radius of the Jacobian of G^k on that orbit (< 1: attracting); NaN otherwise")
        try describe(
            s.createDataset("limit_E_tr_max", doubles: report.limits.map { $0?.orbit?.trainingErrors.max() ?? .nan }),
            "largest E_tr on that orbit (limit_E_tr is its smallest, at the limit point recorded); NaN otherwise")
        try s.createDataset(
            "limit",
            doubles: report.limits.flatMap { $0.map { $0.kind == .notConverged ? nan : $0.point.flat } ?? nan },
            shape: [n, d]
        )
        .setAttribute(
            "description",
            .string(
                "the limit refined to a critical point on its set (projected onto L or M there); NaN when not converged"
            ))
        try s.createDataset("limit_E_tr", doubles: report.limits.map { $0.map(\.trainingError) ?? .nan })
        try s.createDataset(
            "limit_index",
            int64s: report.limits.map { Int64($0.map { $0.kind == .notConverged ? -1 : $0.index } ?? -1) })
        try describe(
            s.createDataset("gamma", doubles: report.limits.map { $0?.gamma ?? .nan }),
            "gamma of the limit on the embedded line, folded to gamma >= 1/2; NaN off the line")
        try describe(
            s.createDataset("gamma_stable", int64s: report.limits.map { $0?.gammaStable.map { $0 ? 1 : 0 } ?? -1 }),
            "1 if gamma lies in a GD-stable segment of L, 0 if not, -1 off the line")
        try describe(
            s.createDataset("critical_point", int64s: report.criticalPoint.map { Int64($0) }),
            "the distinct critical point on no known set (modulo symmetry) of the limit; -1 otherwise")
        try describe(
            s.createDataset("function", int64s: report.function.map { Int64($0) }),
            "limit function of the start; -1 if not converged")

        let f = try root.createGroup("functions")
        let functions = report.functions
        let kinds = functions.map { fn in
            Array(Set(fn.members.compactMap { report.limits[$0]?.kind.rawValue })).sorted().joined(separator: " + ")
        }
        try describe(f.createDataset("kind", strings: kinds), "kind of limit set of the members")
        try describe(
            f.createDataset("count", int64s: functions.map { Int64($0.count) }),
            "number of starts whose limit computes this function")
        try describe(
            f.createDataset("basin_fraction", doubles: functions.map(\.basinFraction)), "count / number of starts")
        try describe(
            f.createDataset("wilson_low", doubles: functions.map(\.wilson.lowerBound)),
            "95% Wilson score interval of the basin fraction, lower end")
        try describe(
            f.createDataset("wilson_high", doubles: functions.map(\.wilson.upperBound)),
            "95% Wilson score interval of the basin fraction, upper end")
        try f.createDataset("E_tr", doubles: functions.map(\.trainingError))
        try f.createDataset("E_gen", doubles: functions.map(\.generalizationError))
        try f.createDataset("index", int64s: functions.map { Int64($0.representative.index) })
        try f.createDataset(
            "representative", doubles: functions.flatMap(\.representative.point.flat), shape: [functions.count, d]
        )
        .setAttribute("columns", .string(columns))
        let gammas = functions.map { fn in fn.members.compactMap { report.limits[$0]?.gamma } }
        try describe(
            f.createDataset("gamma_min", doubles: gammas.map { $0.min() ?? .nan }),
            "smallest gamma of the members on L (NaN if none)")
        try describe(
            f.createDataset("gamma_max", doubles: gammas.map { $0.max() ?? .nan }),
            "largest gamma of the members on L (NaN if none)")
        try describe(
            f.createDataset(
                "stable_count",
                int64s: functions.map { fn in Int64(fn.members.filter { report.limits[$0]?.gammaStable == true }.count)
                }),
            "members on L whose gamma lies in a GD-stable segment")
        let records = try f.createGroup("critical")
        for (k, fn) in functions.enumerated() {
            try CriticalPointRecord(label: "function \(k)", limit: fn.representative, data: data, teacher: teacher)
                .write(to: records.createGroup(String(k)))
        }

        let critical = try root.createGroup("critical")
        for (p, point) in report.criticalPoints.enumerated() {
            try CriticalPointRecord(label: "critical point \(p)", limit: point, data: data, teacher: teacher)
                .write(to: critical.createGroup(String(p)))
        }

        let lineGroup = try root.createGroup("line")
        if lineApplies {
            try lineGroup.setAttribute("w_star", .double(line.fit.w))
            try lineGroup.setAttribute("c_star", .double(line.fit.c))
            try lineGroup.setAttribute("E_tr", .double(line.trainingError))
            try lineGroup.setAttribute("A", .double(line.coefficient))
            try lineGroup.setAttribute("eta", .double(eta))
            try describe(
                lineGroup.createDataset(
                    "stable_segments", doubles: segments.flatMap { [$0.lowerBound, $0.upperBound] },
                    shape: [segments.count, 2]),
                "GD-stable segments of L (transverse eigenvalue >= 0, lambda_max < 2/eta) for the multistart eta")
        } else {
            try lineGroup.setAttribute(
                "skipped", .string("the embedded line is located for width 2 only (width \(d / 2))"))
        }

        let unconverged = report.unconvergedCount
        let wilson = LimitFunctions.wilsonInterval(successes: unconverged, trials: max(n, 1))
        try root.setAttribute("starts", .int64(Int64(n)))
        try root.setAttribute("converged_count", .int64(Int64(report.convergedCount)))
        try root.setAttribute("certified_count", .int64(Int64(report.certifiedCount)))
        try root.setAttribute("at_infinity_count", .int64(Int64(report.atInfinityCount)))
        try root.setAttribute("periodic_count", .int64(Int64(report.periodicCount)))
        try root.setAttribute("unconverged_count", .int64(Int64(unconverged)))
        try root.setAttribute("unconverged_wilson_low", .double(wilson.lowerBound))
        try root.setAttribute("unconverged_wilson_high", .double(wilson.upperBound))
        try root.setAttribute("diverged_count", .int64(Int64(report.descents.filter { $0.diverged != nil }.count)))
        try root.setAttribute("function_count", .int64(Int64(functions.count)))
        try root.setAttribute("critical_point_count", .int64(Int64(report.criticalPoints.count)))
        try root.setAttribute("early_stop", .int64(earlyStop ? 1 : 0))
        try root.setAttribute("optimal_manifold_applies", .int64(report.optimalManifoldApplies ? 1 : 0))
        let totalSteps = report.descents.reduce(0) { $0 + $1.steps }
        try root.setAttribute("timing_wall_seconds", .double(seconds))
        try root.setAttribute("timing_runs_per_second", .double(Double(n) / max(seconds, 1e-9)))
        try root.setAttribute("timing_steps_per_second", .double(Double(totalSteps) / max(seconds, 1e-9)))
    }

    /// Reads a multistart artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        let s = try root.group("starts")
        let initial = try s.dataset("initial")
        let d = initial.shape.count == 2 ? initial.shape[1] : 0
        func rows(_ values: [Double]) -> [[Double]] {
            stride(from: 0, to: values.count, by: max(d, 1)).map { Array(values[$0..<($0 + d)]) }
        }
        let first = rows(try initial.readDoubles())
        let last = rows(try s.dataset("final").readDoubles())
        let limit = rows(try s.dataset("limit").readDoubles())
        let converged = try s.dataset("converged").readInt64s()
        let certified = try s.dataset("certified").readInt64s()
        let diverged = try s.dataset("diverged").readInt64s()
        let steps = try s.dataset("steps").readInt64s()
        let loss = try s.dataset("final_E_tr").readDoubles()
        let grad = try s.dataset("final_grad_norm").readDoubles()
        let kinds = try s.dataset("limit_kind").readStrings()
        let faces = try s.dataset("limit_face").readStrings()
        let periods = try s.dataset("limit_period").readInt64s()
        let index = try s.dataset("limit_index").readInt64s()
        let gamma = try s.dataset("gamma").readDoubles()
        let stable = try s.dataset("gamma_stable").readInt64s()
        let critical = try s.dataset("critical_point").readInt64s()
        let function = try s.dataset("function").readInt64s()
        starts = converged.indices.map { i in
            let hasLimit = limit[i].allSatisfy { !$0.isNaN }
            return Start(
                initial: Network(flat: first[i]), final: Network(flat: last[i]), converged: converged[i] != 0,
                certified: certified[i] != 0, diverged: diverged[i] != 0, steps: Int(steps[i]),
                finalTrainingError: loss[i], finalGradientNorm: grad[i], limitKind: kinds[i],
                limitFace: faces[i].isEmpty ? nil : faces[i],
                limitPeriod: periods[i] > 0 ? Int(periods[i]) : nil,
                limit: hasLimit ? Network(flat: limit[i]) : nil, limitIndex: index[i] >= 0 ? Int(index[i]) : nil,
                gamma: gamma[i].isNaN ? nil : gamma[i], gammaStable: stable[i] >= 0 ? stable[i] != 0 : nil,
                criticalPoint: critical[i] >= 0 ? Int(critical[i]) : nil,
                function: function[i] >= 0 ? Int(function[i]) : nil)
        }
        let f = try root.group("functions")
        let fKind = try f.dataset("kind").readStrings()
        let fCount = try f.dataset("count").readInt64s()
        let fFraction = try f.dataset("basin_fraction").readDoubles()
        let (low, high) = (try f.dataset("wilson_low").readDoubles(), try f.dataset("wilson_high").readDoubles())
        let (eTr, eGen) = (try f.dataset("E_tr").readDoubles(), try f.dataset("E_gen").readDoubles())
        let fIndex = try f.dataset("index").readInt64s()
        let representative = rows(try f.dataset("representative").readDoubles())
        let (gMin, gMax) = (try f.dataset("gamma_min").readDoubles(), try f.dataset("gamma_max").readDoubles())
        let stableCount = try f.dataset("stable_count").readInt64s()
        let records = try f.group("critical")
        functions = try fKind.indices.map { k in
            Function(
                kind: fKind[k], count: Int(fCount[k]), basinFraction: fFraction[k], wilsonLow: low[k],
                wilsonHigh: high[k],
                trainingError: eTr[k], generalizationError: eGen[k], index: Int(fIndex[k]),
                representative: Network(flat: representative[k]), gammaRange: gMin[k].isNaN ? nil : gMin[k]...gMax[k],
                stableCount: Int(stableCount[k]), record: try CriticalPointRecord(reading: try records.group(String(k)))
            )
        }
        let criticalGroup = try root.group("critical")
        criticalPoints = try criticalGroup.memberNames().compactMap(Int.init).sorted().map {
            try CriticalPointRecord(reading: try criticalGroup.group(String($0)))
        }
        let lineGroup = try root.group("line")
        if try lineGroup.hasAttribute("skipped") {
            line = nil
            lineCoefficient = nil
            lineSegments = []
        } else {
            line = (try lineGroup.double("w_star"), try lineGroup.double("c_star"))
            lineCoefficient = try lineGroup.double("A")
            let flat = try lineGroup.dataset("stable_segments").readDoubles()
            lineSegments = stride(from: 0, to: flat.count, by: 2).map { flat[$0]...flat[$0 + 1] }
        }
        unconvergedCount = try root.int("unconverged_count")
        divergedCount = try root.int("diverged_count")
        certifiedCount = try root.int("certified_count")
        atInfinityCount = try root.int("at_infinity_count")
        periodicCount = try root.int("periodic_count")
        earlyStop = try root.int("early_stop") != 0
        wallSeconds = try root.double("timing_wall_seconds")
    }
}
