/// Gradient descent produced a NaN or an infinity.
///
/// `step` is the first time t (steps counted from the start of the run, 0 = the starting point)
/// at which a quantity of the iterate is not finite; `quantity` names it, checked in the order
/// parameters `θ_t`, loss `E_tr(θ_t)`, gradient `∇E_tr(θ_t)`. A non-finite parameter never
/// becomes finite again under `θ − η g`, and the kernels fold every loss into one running check,
/// which is what lets them test once per chunk and then replay the chunk to find the step.
public struct TrainingDiverged: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which value was found non-finite.
    public enum Quantity: Equatable, Sendable, CustomStringConvertible {
        case loss
        /// Component of `∇E_tr` in the flat layout `(∂/∂w_1…∂/∂w_m, ∂/∂v_1…∂/∂v_m)`.
        case gradient(component: Int, width: Int)
        /// Component of `θ = (w_1…w_m, v_1…v_m)`.
        case parameter(component: Int, width: Int)

        public var description: String {
            switch self {
            case .loss:
                return "the training error E_tr"
            case .gradient(let c, let m):
                return c < m ? "gradient ∂E/∂w[\(c)]" : "gradient ∂E/∂v[\(c - m)]"
            case .parameter(let c, let m):
                return c < m ? "parameter w[\(c)]" : "parameter v[\(c - m)]"
            }
        }
    }

    public var step: Int
    public var quantity: Quantity
    /// The offending value (NaN or ±∞).
    public var value: Double

    public init(step: Int, quantity: Quantity, value: Double) {
        self.step = step
        self.quantity = quantity
        self.value = value
    }

    public var description: String {
        "training diverged at step \(step): \(quantity) is \(value.isNaN ? "NaN" : String(value))"
    }
}

/// The result of advancing a kernel: every step finite, or where it first was not.
public enum KernelOutcome: Equatable, Sendable {
    case completed
    case diverged(TrainingDiverged)
}
