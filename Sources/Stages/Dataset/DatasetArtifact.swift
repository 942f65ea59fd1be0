import HDF5Kit
import MLPNumerics
import Study

/// The dataset stage's artifact.
///
/// Layout: datasets `/x`, `/y_noisy` (D_σ), `/y_clean` (= f*(x), D_0), float64 of length n;
/// root attributes `n`, `teacher_w`, `teacher_v`, `sigma` (σ of a sampled set, or the RMS of
/// y − f*(x) of an imported one), `source` (`sample` | `file`) and either `seed`, `generator` or
/// `source_path`, `source_sha256`, `sigma_note`.
public struct DatasetArtifact {
    /// Where the data came from.
    public enum Origin: Equatable {
        case sample(seed: UInt64)
        case file(path: String, sha256: String)
    }

    public let x: [Double]
    public let noisy: [Double]
    public let clean: [Double]
    public let teacher: Network
    public let sigma: Double
    public let origin: Origin

    public init(x: [Double], noisy: [Double], clean: [Double], teacher: Network, sigma: Double, origin: Origin) {
        self.x = x
        self.noisy = noisy
        self.clean = clean
        self.teacher = teacher
        self.sigma = sigma
        self.origin = origin
    }

    /// The training set of a run: noisy (D_σ) or clean (D_0) targets on the same x.
    public func trainingSet(targets: Targets) -> TrainingSet {
        switch targets {
        case .noisy: return TrainingSet(x: x, y: noisy)
        case .clean: return TrainingSet(x: x, y: clean)
        }
    }

    /// Writes the layout into an artifact's root group.
    /// - Throws: `HDF5Error` when a member cannot be written.
    public func write(to root: HDF5Group) throws {
        try root.createDataset("x", doubles: x).setAttribute("description", .string("inputs x_k"))
        try root.createDataset("y_noisy", doubles: noisy).setAttribute(
            "description", .string("noisy targets y_k = f*(x_k) + noise (D_sigma)"))
        try root.createDataset("y_clean", doubles: clean).setAttribute(
            "description", .string("clean targets f*(x_k) (D_0)"))
        try root.setAttribute("n", .int64(Int64(x.count)))
        try root.setAttribute("teacher_w", .doubles(teacher.w))
        try root.setAttribute("teacher_v", .doubles(teacher.v))
        try root.setAttribute("sigma", .double(sigma))
        switch origin {
        case .sample(let seed):
            try root.setAttribute(
                "generator", .string("xoshiro256** seeded by SplitMix64; Marsaglia polar normals; x first, then noise"))
            try root.setAttribute("seed", .int64(Int64(seed)))
            try root.setAttribute("source", .string("sample"))
        case .file(let path, let sha256):
            try root.setAttribute("sigma_note", .string("root-mean-square of y - f*(x) of the imported data"))
            try root.setAttribute("source", .string("file"))
            try root.setAttribute("source_path", .string(path))
            try root.setAttribute("source_sha256", .string(sha256))
        }
    }

    /// Reads a dataset artifact.
    /// - Throws: `HDF5Error` when a dataset or attribute is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        x = try root.dataset("x").readDoubles()
        noisy = try root.dataset("y_noisy").readDoubles()
        clean = try root.dataset("y_clean").readDoubles()
        teacher = Network(w: try root.doubles("teacher_w"), v: try root.doubles("teacher_v"))
        sigma = try root.double("sigma")
        origin =
            try root.string("source") == "sample"
            ? .sample(seed: UInt64(try root.int("seed")))
            : .file(path: try root.string("source_path"), sha256: try root.string("source_sha256"))
    }
}
