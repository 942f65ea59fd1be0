import HDF5Kit
import MLPNumerics

/// The training stage's artifact.
///
/// Layout: `/log/{t, theta, E_tr, E_gen, grad_norm}` on the log-spaced grid (theta is N × 2m,
/// columns w_1..w_m, v_1..v_m); `/trajectory/theta`, θ every `stride` steps from step 0
/// (chunked, uncompressed, streamed while training); root attributes `width, method, eta, steps,
/// targets, initial_w, initial_v, final_w, final_v, final_E_tr, final_E_gen, final_grad_norm` and
/// the run-record attributes `timing_*` (kept out of the content hash).
public struct TrainingArtifact {
    /// The learning curve on the log grid.
    public struct Curve {
        public let width: Int
        public let t: [Int]
        /// Row-major, `t.count × 2m`.
        public let theta: [Double]
        public let trainingError: [Double]
        public let generalizationError: [Double]
        public let gradientNorm: [Double]

        public init(
            width: Int, t: [Int], theta: [Double], trainingError: [Double], generalizationError: [Double],
            gradientNorm: [Double]
        ) {
            self.width = width
            self.t = t
            self.theta = theta
            self.trainingError = trainingError
            self.generalizationError = generalizationError
            self.gradientNorm = gradientNorm
        }

        /// The network at log point `i`.
        public func network(at i: Int) -> Network {
            Network(flat: Array(theta[(i * 2 * width)..<((i + 1) * 2 * width)]))
        }
    }

    public let settings: TrainStage.Settings?
    public let curve: Curve
    public let eta: Double
    public let final: Network
    let wallSeconds: Double

    /// The artifact of a finished run (the trajectory was streamed already).
    init(settings: TrainStage.Settings, record: TrainingRecord, wallSeconds: Double) {
        let points = record.logPoints
        self.settings = settings
        curve = Curve(
            width: settings.width, t: points.map(\.step), theta: points.flatMap(\.network.flat),
            trainingError: points.map(\.trainingError), generalizationError: points.map { $0.extras[0] },
            gradientNorm: points.map(\.gradientNorm))
        eta = settings.eta
        final = record.final
        self.wallSeconds = wallSeconds
    }

    /// Creates the extendable `/trajectory/theta` that training appends rows to. Uncompressed: shuffle
    /// + deflate halved the file (9.7 → 4.8 MB for the paper's run) but cost ~0.15 s (18 % of the kernel's
    /// time), in compressing and in decompressing to hash the artifact (docs/performance.md).
    static func createTrajectory(in root: HDF5Group, width: Int, stride: Int) throws -> HDF5Dataset {
        let trajectory = try root.createGroup("trajectory").createExtendableDataset(
            "theta", columns: 2 * width, deflate: nil)
        try trajectory.setAttribute("stride", .int64(Int64(stride)))
        try trajectory.setAttribute("first_step", .int64(0))
        try trajectory.setAttribute("columns", .string(Network.columnNames(width: width)))
        try trajectory.setAttribute("description", .string("θ_t at t = 0, k, 2k, ... (k = stride)"))
        return trajectory
    }

    /// Writes everything but the trajectory.
    func write(to root: HDF5Group) throws {
        guard let settings else { return }
        let width = settings.width
        let log = try root.createGroup("log")
        try log.createDataset("t", int64s: curve.t.map { Int64($0) }).setAttribute(
            "description", .string("step t (log-spaced grid)"))
        try log.createDataset("theta", doubles: curve.theta, shape: [curve.t.count, 2 * width])
            .setAttribute("columns", .string(Network.columnNames(width: width)))
        try log.createDataset("E_tr", doubles: curve.trainingError).setAttribute(
            "description", .string("training error (1/n) Σ (f(x_k) − y_k)²"))
        try log.createDataset("E_gen", doubles: curve.generalizationError).setAttribute(
            "description", .string("generalization error E_x~N(0,1) (f − f*)², quadrature"))
        try log.createDataset("grad_norm", doubles: curve.gradientNorm).setAttribute(
            "description", .string("Euclidean norm of ∇E_tr"))
        try root.setAttribute("width", .int64(Int64(width)))
        try root.setAttribute("method", .string(settings.method.rawValue))
        try root.setAttribute("eta", .double(settings.eta))
        try root.setAttribute("steps", .int64(Int64(settings.steps)))
        try root.setAttribute("targets", .string(settings.targets.rawValue))
        let initial = settings.initialNetwork
        try root.setAttribute("initial_w", .doubles(initial.w))
        try root.setAttribute("initial_v", .doubles(initial.v))
        try root.setAttribute("final_w", .doubles(final.w))
        try root.setAttribute("final_v", .doubles(final.v))
        try root.setAttribute("final_E_tr", .double(curve.trainingError.last ?? .nan))
        try root.setAttribute("final_E_gen", .double(curve.generalizationError.last ?? .nan))
        try root.setAttribute("final_grad_norm", .double(curve.gradientNorm.last ?? .nan))
        try root.setAttribute("timing_wall_seconds", .double(wallSeconds))
        try root.setAttribute("timing_steps_per_second", .double(Double(settings.steps) / max(wallSeconds, 1e-9)))
    }

    /// Reads the learning curve, η and θ_T (not the trajectory: see `trajectory(_:rows:)`).
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        let log = try root.group("log")
        settings = nil
        curve = Curve(
            width: try root.int("width"),
            t: try log.dataset("t").readInt64s().map { Int($0) },
            theta: try log.dataset("theta").readDoubles(),
            trainingError: try log.dataset("E_tr").readDoubles(),
            generalizationError: try log.dataset("E_gen").readDoubles(),
            gradientNorm: try log.dataset("grad_norm").readDoubles())
        eta = try root.double("eta")
        final = Network(w: try root.doubles("final_w"), v: try root.doubles("final_v"))
        wallSeconds = (try? root.double("timing_wall_seconds")) ?? .nan
    }

    /// Trajectory rows `rows` (every `stride` steps), row-major `count × 2m`, and the stride.
    public static func trajectory(_ file: HDF5File, rows: Range<Int>? = nil) throws -> (values: [Double], stride: Int) {
        let dataset = try file.root.group("trajectory").dataset("theta")
        let stride = try dataset.int("stride")
        let values = try rows.map { try dataset.readDoubleRows($0) } ?? dataset.readDoubles()
        return (values, stride)
    }
}
