import Foundation
import LinearAlgebra
import MLPNumerics

/// What a critical point of a width-m network is, in the saddle-to-saddle picture: the origin, a
/// narrower network embedded by zero units and duplicated units, or a critical point that uses
/// all m neurons (a minimum — the attractor — or a saddle).
public struct EmbeddedCriticalPoint: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// θ = 0 (every unit dead): index m, eigenvalues ±2s.
        case origin
        /// A width-k network, k < m, embedded by zero and/or duplicated units.
        case embedded
        /// All m neurons distinct and alive, index 0.
        case minimum
        /// All m neurons distinct and alive, index > 0.
        case saddle
    }

    public let kind: Kind
    /// k, the effective width.
    public let embeddedWidth: Int
    /// Zero units (0-based).
    public let zeroUnits: [Int]
    /// Groups of duplicated units (0-based).
    public let duplicatedUnits: [[Int]]
    /// The narrower network (one neuron per live group), nil at the origin.
    public let reduced: Network?
    /// `A_i` of the reduced network's neurons (`WidthOneFit.splittingCoefficients`): the sign of
    /// the curvature across the line obtained by splitting neuron i of the narrower network.
    public let splittingCoefficients: [Double]

    /// - Parameters:
    ///   - point: a (refined) critical point.
    ///   - index: its Hessian index.
    ///   - data: the training set.
    ///   - tolerance: τ of `EffectiveWidth`.
    public init(_ point: Network, index: Int, data: TrainingSet, tolerance: Double) {
        let width = EffectiveWidth(point, inputs: data.x, tolerance: tolerance)
        embeddedWidth = width.width
        zeroUnits = width.deadUnits
        duplicatedUnits = width.duplicatedGroups.map(\.units)
        reduced = width.reduced
        splittingCoefficients = reduced.map { WidthOneFit.splittingCoefficients($0, on: data) } ?? []
        if width.width == 0 && Dense.norm(point.flat) <= tolerance {
            kind = .origin
        } else if width.width < point.width {
            kind = .embedded
        } else {
            kind = index == 0 ? .minimum : .saddle
        }
    }

    /// A short description: "origin", "width-1 embedded (units 1,2 duplicated; A = -0.0248)", ...
    public var summary: String {
        func units(_ list: [Int]) -> String { list.map { String($0 + 1) }.joined(separator: ",") }
        switch kind {
        case .origin: return "origin"
        case .minimum, .saddle:
            return "width-\(embeddedWidth) \(kind.rawValue) (all units distinct)"
        case .embedded:
            var parts: [String] = []
            if !zeroUnits.isEmpty { parts.append("zero unit\(zeroUnits.count > 1 ? "s" : "") \(units(zeroUnits))") }
            for group in duplicatedUnits { parts.append("units \(units(group)) duplicated") }
            let a = splittingCoefficients.map { String(format: "%.3g", $0) }.joined(separator: ", ")
            return "width-\(embeddedWidth) embedded (\(parts.joined(separator: "; ")); A = \(a))"
        }
    }
}
