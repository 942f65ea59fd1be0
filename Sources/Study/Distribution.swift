import MLPNumerics

/// How random initial points are drawn: each weight i.i.d. uniform on [−scale, scale], or normal
/// N(0, scale²).
public enum Distribution: String, Codable, CaseIterable, Sendable {
    case uniform, normal

    /// `count` weights drawn in order from `random`.
    public func draw(_ count: Int, scale: Double, from random: inout PortableRandom) -> [Double] {
        switch self {
        case .uniform: return (0..<count).map { _ in random.nextUniform(in: -scale, scale) }
        case .normal: return (0..<count).map { _ in scale * random.nextNormal() }
        }
    }
}

/// Full-batch gradient descent, or online SGD (one sample per step, the train stage's sampler).
public enum DescentMethod: String, Codable, CaseIterable, Sendable {
    case gd, sgd
}
