/// The quantities recorded at one log-grid time of a training run.
public struct LogPoint: Equatable, Sendable {
    /// The step t.
    public var step: Int
    /// The iterate `θ_t`.
    public var network: Network
    /// `E_tr(θ_t)`.
    public var trainingError: Double
    /// `‖∇E_tr(θ_t)‖₂`.
    public var gradientNorm: Double
    /// Whatever the caller's hook computed from `θ_t` (for example `E_gen`).
    public var extras: [Double]
}

/// A block of consecutive trajectory rows `θ_t`, `t = firstStep, firstStep + stride, …`, each row
/// in the flat layout `(w_1…w_m, v_1…v_m)`.
public struct TrajectoryChunk: Equatable, Sendable {
    public var firstStep: Int
    public var stride: Int
    public var width: Int
    /// `rowCount × 2·width` values, row-major.
    public var values: [Double]

    public var rowCount: Int { values.count / (2 * width) }
}

/// What a `TrainingRun` returns.
public struct TrainingRecord: Equatable, Sendable {
    /// The final iterate `θ_T`.
    public var final: Network
    /// One entry per log-grid time, in order.
    public var logPoints: [LogPoint]
    /// The trajectory rows, row-major `rowCount × 2m` (empty when they went to a sink or when
    /// no recording stride was set).
    public var trajectory: [Double]
    /// The number of trajectory rows produced (also when they went to a sink).
    public var trajectoryRowCount: Int
}
