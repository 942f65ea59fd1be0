import HDF5Kit
import MLPNumerics

/// The eigen stage's artifact: the Hessian of E_tr along the trajectory, the refined final point
/// and the region checks.
///
/// Layout (N log-grid points, d = 2m, K = alignment depth clamped to d):
/// - `/along/{t (N, int64), eigenvalues (N × d, ascending), eigenvectors (N × d·d: row n holds
///   u_1..u_d of point n, each d long, in the order of the eigenvalues), index (N, int64),
///   zero_count (N, int64), tolerance (N, the τ used), grad_norm (N), alignment (N × K, χ_k;
///   NaN where ∇E_tr = 0), stability_threshold (N, 2/λ_max, +∞ if λ_max ≤ 0), stable (N, int64:
///   η < 2/λ_max)}`; attribute `eta` on `/along`.
/// - `/critical/final`: a `CriticalPointRecord` of the final point refined by Newton.
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
    /// The final point of the run refined to a critical point.
    public let final: CriticalPointRecord
    /// The region checks, by family name in sorted order (empty when skipped).
    public let regions: [RegionHistogram]
    /// Why the region checks were skipped, if they were.
    public let regionsSkipped: String?

    /// Reads an eigen artifact.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(_ file: HDF5File) throws {
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
        final = try CriticalPointRecord(try root.group("critical").group("final"))
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

    /// The Hessian index along the log grid, without reading the rest (for the phases stage).
    public static func index(_ file: HDF5File) throws -> [Int] {
        try file.root.group("along").dataset("index").readInt64s().map { Int($0) }
    }
}
