import DynamicsAnalysis
import HDF5Kit
import MLPNumerics
import Refinement

/// The eigen stage's artifact: the Hessian of E_tr along the trajectory, the refined final point
/// and the region checks.
///
/// Layout (N log-grid points, d = 2m, K = alignment depth clamped to d):
/// - `/along/{t (N, int64), eigenvalues (N × d, ascending), eigenvectors (N × d·d: row n holds
///   u_1..u_d of point n, each d long, in the order of the eigenvalues), index (N, int64),
///   zero_count (N, int64), tolerance (N, the τ used), grad_norm (N), alignment (N × K, χ_k;
///   NaN where ∇E_tr = 0), stability_threshold (N, 2/λ_max, +∞ if λ_max ≤ 0), stable (N, int64:
///   η < 2/λ_max)}`; attribute `eta` on `/along`.
/// - `/critical/final`: a `CriticalPointRecord` of the final point refined by Newton; where Newton fails on M's
///   flat directions (noiseless data), the point of M the run approaches, with `/critical/final_approach`
///   (`ManifoldApproachRecord`) and Newton's end in `/critical/final_newton`.
/// - `/regions/<family>/{index_histogram, zero_count_histogram}` (int64, entry k = samples with
///   exactly k) with attributes `sample_count`, `seed`; or, when the checks do not apply (width ≠ 2
///   or a teacher that is not one neuron), an attribute `skipped` on `/regions` saying why.
public struct EigenArtifact {
    /// The spectra along the log grid.
    public struct Along {
        public let t: [Int]
        /// Dimension d = 2m.
        public let dimension: Int
        /// Row-major N × d.
        public let eigenvalues: [Double]
        /// Row-major N × d × d.
        public let eigenvectors: [Double]
        public let index: [Int]
        public let zeroCount: [Int]
        public let tolerance: [Double]
        public let gradientNorm: [Double]
        /// Row-major N × K.
        public let alignment: [Double]
        public let alignmentDepth: Int
        public let stabilityThreshold: [Double]
        public let eta: Double

        /// The spectrum at point n, ascending.
        public func spectrum(at n: Int) -> [Double] { Array(eigenvalues[(n * dimension)..<((n + 1) * dimension)]) }

        /// The unit eigenvector of the k-th smallest eigenvalue at point n.
        public func eigenvector(at n: Int, _ k: Int) -> [Double] {
            let start = (n * dimension + k) * dimension
            return Array(eigenvectors[start..<(start + dimension)])
        }

        /// χ_1..χ_K at point n.
        public func alignment(at n: Int) -> [Double] {
            Array(alignment[(n * alignmentDepth)..<((n + 1) * alignmentDepth)])
        }
    }

    /// Index and zero-count histograms of one region family.
    public struct RegionHistogram: Equatable {
        public let family: String
        public let sampleCount: Int
        public let indexHistogram: [Int]
        public let zeroCountHistogram: [Int]
    }

    public let along: Along
    /// The final point of the run refined to a critical point, or located on M (see `approach`).
    public let final: CriticalPointRecord
    /// When Newton could not refine θ_T on M's flat directions: how the run approaches M (Newton's end is in
    /// `/critical/final_newton`).
    public let approach: ManifoldApproachRecord?
    /// The region checks, by family name in sorted order (empty when skipped).
    public let regions: [RegionHistogram]
    /// Why the region checks were skipped, if they were.
    public let regionsSkipped: String?

    /// Reads an eigen artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        let group = try root.group("along")
        let values = try group.dataset("eigenvalues")
        let alignment = try group.dataset("alignment")
        along = Along(
            t: try group.dataset("t").readInt64s().map { Int($0) },
            dimension: values.shape.count == 2 ? values.shape[1] : 0,
            eigenvalues: try values.readDoubles(),
            eigenvectors: try group.dataset("eigenvectors").readDoubles(),
            index: try group.dataset("index").readInt64s().map { Int($0) },
            zeroCount: try group.dataset("zero_count").readInt64s().map { Int($0) },
            tolerance: try group.dataset("tolerance").readDoubles(),
            gradientNorm: try group.dataset("grad_norm").readDoubles(),
            alignment: try alignment.readDoubles(),
            alignmentDepth: alignment.shape.count == 2 ? alignment.shape[1] : 0,
            stabilityThreshold: try group.dataset("stability_threshold").readDoubles(),
            eta: try group.double("eta"))
        let critical = try root.group("critical")
        final = try CriticalPointRecord(reading: try critical.group("final"))
        approach =
            try critical.memberNames().contains("final_approach")
            ? try ManifoldApproachRecord(reading: try critical.group("final_approach")) : nil
        let regionGroup = try root.group("regions")
        if try regionGroup.hasAttribute("skipped") {
            regionsSkipped = try regionGroup.string("skipped")
            regions = []
        } else {
            regionsSkipped = nil
            regions = try regionGroup.memberNames().sorted().map { name in
                let family = try regionGroup.group(name)
                return RegionHistogram(
                    family: name, sampleCount: try family.int("sample_count"),
                    indexHistogram: try family.dataset("index_histogram").readInt64s().map { Int($0) },
                    zeroCountHistogram: try family.dataset("zero_count_histogram").readInt64s().map { Int($0) })
            }
        }
    }

    /// One region family's check, as written.
    struct RegionResult {
        let family: RegionFamily
        let result: RegionCheckResult
        let seed: UInt64
    }

    /// Writes the layout: the analyses along the grid, the refined final point, and the region
    /// checks (or `skippedNote` when they do not apply).
    static func write(
        to root: HDF5Group, t: [Int], analyses: [HessianAnalysis], alignmentDepth depth: Int, eta: Double,
        final: CriticalPointRecord, approach: (ManifoldApproachRecord, newton: CriticalPointRecord)?,
        regions: [RegionResult]?, skippedNote: String
    ) throws {
        let d = analyses.first?.spectrum.values.count ?? 0
        let along = try root.createGroup("along")
        let count = analyses.count
        func describe(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try describe(
            along.createDataset("t", int64s: t.map { Int64($0) }), "step t of the training artifact's log grid")
        try describe(
            along.createDataset("eigenvalues", doubles: analyses.flatMap(\.spectrum.values), shape: [count, d]),
            "eigenvalues of the Hessian of E_tr at theta_t, ascending (units of E_tr per unit theta^2)")
        try describe(
            along.createDataset(
                "eigenvectors", doubles: analyses.flatMap { $0.spectrum.vectors.flatMap { $0 } },
                shape: [count, d * d]),
            "row n = unit eigenvectors u_1..u_d (each of length d = 2m, in theta's column order), in the order of the "
                + "eigenvalues; reshape to N x d x d"
        )
        try describe(
            along.createDataset("index", int64s: analyses.map { Int64($0.index) }),
            "number of eigenvalues < -tau (escape directions of gradient flow)")
        try describe(
            along.createDataset("zero_count", int64s: analyses.map { Int64($0.zeroCount) }),
            "number of eigenvalues with |lambda| <= tau")
        try describe(
            along.createDataset("tolerance", doubles: analyses.map(\.tolerance)),
            "tau = zero_tolerance_relative * max(1, max |lambda|)")
        try describe(
            along.createDataset("grad_norm", doubles: analyses.map(\.gradientNorm)),
            "Euclidean norm of grad E_tr (analytic)")
        try describe(
            along.createDataset(
                "alignment", doubles: analyses.flatMap { $0.alignment ?? Array(repeating: .nan, count: depth) },
                shape: [count, depth]),
            "chi_k = |P_k g| / |g|, P_k the projector on the eigenvectors of the k largest eigenvalues, k = 1..K; NaN "
                + "where g = 0"
        )
        try describe(
            along.createDataset("stability_threshold", doubles: analyses.map(\.stabilityThreshold)),
            "2 / lambda_max: GD is linearly stable iff eta < this (+inf if lambda_max <= 0)")
        try describe(
            along.createDataset("stable", int64s: analyses.map { $0.isStable(stepSize: eta) ? 1 : 0 }),
            "1 if eta * lambda_max < 2")
        try along.setAttribute("eta", .double(eta))

        let critical = try root.createGroup("critical")
        let finalGroup = try critical.createGroup("final")
        try final.write(to: finalGroup)
        try finalGroup.setAttribute(
            "description",
            .string(
                approach == nil
                    ? "the run's final point theta_T refined by safeguarded Newton on grad E_tr = 0"
                    : "the point of the optimal manifold M the run approaches: theta_T projected onto M "
                        + "(final_approach); Newton's end is final_newton"))
        if let (record, newton) = approach {
            try record.write(to: try critical.createGroup("final_approach"))
            try newton.write(to: try critical.createGroup("final_newton"))
        }

        let group = try root.createGroup("regions")
        guard let regions else {
            try group.setAttribute("skipped", .string(skippedNote))
            return
        }
        for region in regions {
            let family = try group.createGroup(region.family.rawValue)
            try describe(
                family.createDataset("index_histogram", int64s: region.result.indexHistogram.map { Int64($0) }),
                "entry k = number of samples with Hessian index k")
            try describe(
                family.createDataset(
                    "zero_count_histogram", int64s: region.result.zeroCountHistogram.map { Int64($0) }),
                "entry k = number of samples with k zero eigenvalues")
            try family.setAttribute("sample_count", .int64(Int64(region.result.sampleCount)))
            try family.setAttribute("seed", .int64(Int64(bitPattern: region.seed)))
        }
    }

    /// The Hessian index along the log grid, without reading the rest (for the phases stage).
    public static func index(_ file: HDF5File) throws -> [Int] {
        try file.root.group("along").dataset("index").readInt64s().map { Int($0) }
    }
}
