import DynamicsAnalysis
import HDF5Kit

/// A `SaddleToSaddleRun`'s log-grid curves as the saddles and richer artifacts keep them, one group per
/// start: datasets `t`, `theta` (N × 2m), `E_tr`, `E_gen`, `grad_norm`, `index`, `effective_width`;
/// attributes `escape_time` (−1: never) and `reached_minimum` (0/1), written by the caller with the
/// start's own attributes.
extension SaddleToSaddleRun {
    /// Writes the curves' datasets into `group` (m: the width).
    /// - Throws: `HDF5Error` if a member already exists.
    public func writeCurves(to group: HDF5Group, width m: Int) throws {
        func described(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try described(
            group.createDataset("t", int64s: t.map { Int64($0) }),
            "step t (log grid; the last is where the run stopped)")
        try described(
            group.createDataset("theta", doubles: theta, shape: [t.count, 2 * m]), "theta_t: w_1..w_m, v_1..v_m")
        try described(group.createDataset("E_tr", doubles: trainingError), "training error")
        try described(group.createDataset("E_gen", doubles: generalizationError), "generalization error (quadrature)")
        try described(group.createDataset("grad_norm", doubles: gradientNorm), "|grad E_tr|")
        try described(group.createDataset("index", int64s: index.map { Int64($0) }), "Hessian index")
        try described(
            group.createDataset("effective_width", int64s: effectiveWidth.map { Int64($0) }),
            "live neurons distinct modulo sign (EffectiveWidth)")
    }

    /// Reads the curves, the escape time and whether the run reached a minimum back from `group`.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(readingCurves group: HDF5Group) throws {
        self.init()
        t = try group.dataset("t").readInt64s().map { Int($0) }
        theta = try group.dataset("theta").readDoubles()
        trainingError = try group.dataset("E_tr").readDoubles()
        generalizationError = try group.dataset("E_gen").readDoubles()
        gradientNorm = try group.dataset("grad_norm").readDoubles()
        index = try group.dataset("index").readInt64s().map { Int($0) }
        effectiveWidth = try group.dataset("effective_width").readInt64s().map { Int($0) }
        let escape = try group.int("escape_time")
        escapeTime = escape >= 0 ? escape : nil
        reachedMinimum = try group.int("reached_minimum") == 1
    }
}
