import DynamicsAnalysis
import Foundation
import HDF5Kit
import Study

/// The projected stage's artifact.
///
/// Layout: root attributes `reference_E_tr` (E_tr of the eigen stage's refined final point, the
/// run's limit), `reference_converged` (0/1), `dominant_dimension` (k), `refresh_every` (R);
/// `/branches/<method>_t<t0>_eta<eta>/` with attributes `method`, `t0`, `eta`, `steps`, `order` (the experiment's place
/// in the configuration), and one
/// group per variant (`plain`, `dominant`, `bulk`) holding `t` (int64, branch steps on a log
/// grid), `excess` (E_tr − reference_E_tr), `chi_full` (χ_k of ∇E_tr), `chi_stochastic` (χ_k of the
/// step's one-sample gradient; NaN for GD), `lambda_max`, `threshold` (2/λ_max) and the attribute
/// `diverged_at` (the first non-finite step, −1 if none); `/ratios/` one entry per experiment:
/// `method` (strings), `t0`, `eta`, `start_excess`, `start_threshold`, `final_excess` (E × 3:
/// plain, dominant, bulk), `ratio_to_plain` (E × 3), `late_chi` (mean χ_k of ∇E_tr along the plain
/// branch over its last decade), `diverged` (strings).
public struct ProjectedArtifact {
    /// One variant of one experiment.
    public struct Branch {
        public let experiment: ProjectedStage.Experiment
        public let projection: StepProjection
        public let record: ProjectedDescentRecord
    }

    /// The summary of one experiment.
    public struct Ratio: Equatable {
        public let method: DescentMethod
        public let t0: Int
        public let eta: Double
        public let startExcess: Double
        public let startThreshold: Double
        /// Mean excess over the last decade of steps (t ≥ K/10) per variant (plain, dominant, bulk);
        /// the mean smooths SGD's fluctuations. NaN for a diverged variant.
        public let finalExcess: [Double]
        public let lateAlignment: Double
        /// The variants that diverged, comma-separated.
        public let diverged: String

        public var ratioToPlain: [Double] { finalExcess.map { $0 / finalExcess[0] } }
    }

    public let branches: [Branch]
    public let reference: Double
    public let referenceConverged: Bool
    public let dominantDimension: Int
    public let refreshEvery: Int

    /// One row per experiment, in the order run.
    public var ratios: [Ratio] {
        var rows: [Ratio] = []
        var seen: [String] = []
        for branch in branches where !seen.contains(branch.experiment.name) {
            seen.append(branch.experiment.name)
            let variants = StepProjection.allCases.map { p in
                branches.first { $0.experiment == branch.experiment && $0.projection == p }!
            }
            let steps = branch.experiment.steps
            func late(_ values: [Double], _ record: ProjectedDescentRecord) -> Double {
                let picked = record.t.indices.filter { record.t[$0] >= steps / 10 && record.t[$0] > 0 }.map {
                    values[$0]
                }.filter { !$0.isNaN }
                return picked.isEmpty ? .nan : picked.reduce(0, +) / Double(picked.count)
            }
            let plain = variants[0].record
            rows.append(
                Ratio(
                    method: branch.experiment.method, t0: branch.experiment.t0, eta: branch.experiment.eta,
                    startExcess: plain.excess.first ?? .nan,
                    startThreshold: 2 / (plain.largestEigenvalue.first ?? .nan),
                    finalExcess: variants.map {
                        $0.record.divergedAt == nil ? late($0.record.excess, $0.record) : .nan
                    },
                    lateAlignment: late(plain.fullAlignment, plain),
                    diverged: variants.filter { $0.record.divergedAt != nil }.map(\.projection.rawValue).joined(
                        separator: ",")))
        }
        return rows
    }

    func write(to root: HDF5Group) throws {
        func described(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try root.setAttribute("reference_E_tr", .double(reference))
        try root.setAttribute("reference_converged", .int64(referenceConverged ? 1 : 0))
        try root.setAttribute("dominant_dimension", .int64(Int64(dominantDimension)))
        try root.setAttribute("refresh_every", .int64(Int64(refreshEvery)))
        let group = try root.createGroup("branches")
        for (n, branch) in branches.enumerated() {
            let name = branch.experiment.name
            let experiment = try (try? group.group(name)) ?? group.createGroup(name)
            if (try? experiment.string("method")) == nil {
                try experiment.setAttribute("method", .string(branch.experiment.method.rawValue))
                try experiment.setAttribute("t0", .int64(Int64(branch.experiment.t0)))
                try experiment.setAttribute("eta", .double(branch.experiment.eta))
                try experiment.setAttribute("steps", .int64(Int64(branch.experiment.steps)))
                try experiment.setAttribute("order", .int64(Int64(n / StepProjection.allCases.count)))
            }
            let variant = try experiment.createGroup(branch.projection.rawValue)
            let r = branch.record
            try described(variant.createDataset("t", int64s: r.t.map { Int64($0) }), "steps since the branch point t0")
            try described(variant.createDataset("excess", doubles: r.excess), "E_tr(theta_t) - E_tr(refined limit)")
            try described(
                variant.createDataset("chi_full", doubles: r.fullAlignment), "chi_k of the full-batch gradient")
            try described(
                variant.createDataset("chi_stochastic", doubles: r.stochasticAlignment),
                "chi_k of the one-sample gradient of the step (NaN for GD)")
            try described(
                variant.createDataset("lambda_max", doubles: r.largestEigenvalue), "largest Hessian eigenvalue")
            try described(
                variant.createDataset("threshold", doubles: r.largestEigenvalue.map { 2 / $0 }), "2/lambda_max")
            try variant.setAttribute("diverged_at", .int64(Int64(r.divergedAt ?? -1)))
        }
        let rows = ratios
        let table = try root.createGroup("ratios")
        try described(table.createDataset("method", strings: rows.map(\.method.rawValue)), "sgd or gd")
        try described(table.createDataset("t0", int64s: rows.map { Int64($0.t0) }), "branch time")
        try described(table.createDataset("eta", doubles: rows.map(\.eta)), "learning rate")
        try described(table.createDataset("start_excess", doubles: rows.map(\.startExcess)), "excess E_tr at t0")
        try described(table.createDataset("start_threshold", doubles: rows.map(\.startThreshold)), "2/lambda_max at t0")
        try described(
            table.createDataset("final_excess", doubles: rows.flatMap(\.finalExcess), shape: [rows.count, 3]),
            "mean excess over the last decade of steps: plain, dominant, bulk (NaN: diverged)")
        try described(
            table.createDataset("ratio_to_plain", doubles: rows.flatMap(\.ratioToPlain), shape: [rows.count, 3]),
            "final excess divided by the plain variant's: plain, dominant, bulk")
        try described(
            table.createDataset("late_chi", doubles: rows.map(\.lateAlignment)),
            "mean chi_k of the full gradient along the plain branch over the last decade")
        try described(table.createDataset("diverged", strings: rows.map(\.diverged)), "variants that diverged")
    }

    init(branches: [Branch], reference: Double, referenceConverged: Bool, dominantDimension: Int, refreshEvery: Int) {
        self.branches = branches
        self.reference = reference
        self.referenceConverged = referenceConverged
        self.dominantDimension = dominantDimension
        self.refreshEvery = refreshEvery
    }

    /// Reads the artifact back (every branch, in name order; `ratios` recomputed from them).
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        reference = try root.double("reference_E_tr")
        referenceConverged = try root.int("reference_converged") == 1
        dominantDimension = try root.int("dominant_dimension")
        refreshEvery = try root.int("refresh_every")
        let group = try root.group("branches")
        var read: [Branch] = []
        var order: [String: Int] = [:]
        for name in try group.memberNames() {
            let experiment = try group.group(name)
            order[name] = try experiment.int("order")
            let method = try experiment.string("method")
            guard let descent = DescentMethod(rawValue: method) else {
                throw HDF5Error(operation: "read \(name)/method", message: "unknown method '\(method)'")
            }
            let spec = ProjectedStage.Experiment(
                method: descent, t0: try experiment.int("t0"),
                eta: try experiment.double("eta"), steps: try experiment.int("steps"))
            for projection in StepProjection.allCases {
                let variant = try experiment.group(projection.rawValue)
                var record = ProjectedDescentRecord()
                record.t = try variant.dataset("t").readInt64s().map { Int($0) }
                record.excess = try variant.dataset("excess").readDoubles()
                record.fullAlignment = try variant.dataset("chi_full").readDoubles()
                record.stochasticAlignment = try variant.dataset("chi_stochastic").readDoubles()
                record.largestEigenvalue = try variant.dataset("lambda_max").readDoubles()
                let diverged = try variant.int("diverged_at")
                record.divergedAt = diverged >= 0 ? diverged : nil
                read.append(Branch(experiment: spec, projection: projection, record: record))
            }
        }
        func rank(_ b: Branch) -> Int {
            order[b.experiment.name]! * 8 + StepProjection.allCases.firstIndex(of: b.projection)!
        }
        branches = read.sorted { rank($0) < rank($1) }
    }
}
