import HDF5Kit
import MLPNumerics

/// The training stage's artifact.
///
/// Layout: `/log/{t, theta, E_tr, E_gen, grad_norm}` on the log-spaced grid (theta is N × 2m,
/// columns w_1..w_m, v_1..v_m); `/trajectory/theta`, θ every `stride` steps from step 0
/// (chunked, deflated); root attributes `width, method, eta, steps, targets, final_w, final_v,
/// final_E_tr, final_E_gen, final_grad_norm` and the run-record attributes `timing_*`.
public enum TrainingArtifact {
    /// The learning curve on the log grid.
    public struct Curve {
        public let width: Int
        public let t: [Int]
        /// Row-major, `t.count × 2m`.
        public let theta: [Double]
        public let trainingError: [Double]
        public let generalizationError: [Double]
        public let gradientNorm: [Double]

        public init(width: Int, t: [Int], theta: [Double], trainingError: [Double], generalizationError: [Double], gradientNorm: [Double]) {
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

    /// Reads the learning curve.
    public static func curve(_ file: HDF5File) throws -> Curve {
        let log = try file.root.group("log")
        return Curve(width: try file.root.int("width"),
                     t: try log.dataset("t").readInt64s().map { Int($0) },
                     theta: try log.dataset("theta").readDoubles(),
                     trainingError: try log.dataset("E_tr").readDoubles(),
                     generalizationError: try log.dataset("E_gen").readDoubles(),
                     gradientNorm: try log.dataset("grad_norm").readDoubles())
    }

    /// The final network θ_T.
    public static func final(_ file: HDF5File) throws -> Network {
        Network(w: try file.root.doubles("final_w"), v: try file.root.doubles("final_v"))
    }

    /// The learning rate η the run used.
    public static func learningRate(_ file: HDF5File) throws -> Double {
        try file.root.double("eta")
    }

    /// Trajectory rows `rows` (every `stride` steps), row-major `count × 2m`, and the stride.
    public static func trajectory(_ file: HDF5File, rows: Range<Int>? = nil) throws -> (values: [Double], stride: Int) {
        let dataset = try file.root.group("trajectory").dataset("theta")
        let stride = try dataset.int("stride")
        let values = try rows.map { try dataset.readDoubleRows($0) } ?? dataset.readDoubles()
        return (values, stride)
    }
}
