/// The settings of Maleknia & Sato's minimal model.
public extension Network {
    /// The paper's teacher `f*(x) = 2 tanh(x)` (w* = 1, v* = 2).
    static let paperTeacher = Network(w: [1], v: [2])

    /// The paper's initial point for gradient descent, `w = (−0.13, 0.13)`, `v = (0.16, −0.15)`.
    static let paperInitialPoint = Network(w: [-0.13, 0.13], v: [0.16, -0.15])
}
