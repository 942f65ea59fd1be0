import LinearAlgebra
import MLPNumerics

/// The best width-k fit of a training set: the lowest local minimum of E_tr (index 0; degenerate ones too,
/// such as a narrower network embedded in width k on noiseless data) that Levenberg–Marquardt reaches from
/// seeded random starts, Newton-polished where Newton converges. Width 1 has `WidthOneFit` (a profile scan
/// that cannot miss the global minimum); here the starts make the search, and the result says how many
/// starts reached it, so a user sees how certain "best" is.
public struct BestFit: Sendable {
    public let network: Network
    public let trainingError: Double
    public let gradientNorm: Double
    /// The Hessian index (0) and zero count there (0 for a strict minimum).
    public let index: Int
    public let zeroCount: Int
    /// Starts whose descent ended at this fit's E_tr (relative 1e-9), out of `starts`.
    public let reached: Int
    public let starts: Int

    /// - Parameters:
    ///   - width: k.
    ///   - starts: the number of random starts, each 2k weights uniform in [−scale, scale].
    ///   - seed: the stream of the starts (`PortableRandom`).
    ///   - settings: the descent's and the Newton polish's tolerances and iteration limits (LM gets 50 times
    ///     Newton's: from a random start it crosses plateaus).
    /// - Returns: nil when no start ends at a minimum.
    public static func search(
        _ data: TrainingSet, width: Int, starts: Int, scale: Double, seed: UInt64,
        settings: CriticalPointRefinerSettings
    ) -> BestFit? {
        var random = PortableRandom(seed: seed)
        let objective = TrainingErrorObjective(data: data, width: width)
        var descent = settings
        descent.maxIterations = 50 * settings.maxIterations
        var ends: [(point: [Double], value: Double, analysis: HessianAnalysis)] = []
        for _ in 0..<starts {
            let start = (0..<(2 * width)).map { _ in random.nextUniform(in: -scale, scale) }
            let lm = LimitSetRefiner.levenbergMarquardt(objective, from: start, settings: descent)
            let newton = CriticalPointRefiner.refine(objective, from: lm.point, settings: settings)
            // On a degenerate minimum Newton may stall where Levenberg–Marquardt has already converged.
            let point = newton.converged ? newton.point : lm.point
            guard newton.converged || lm.converged,
                let analysis = try? HessianAnalysis(
                    objective, at: point, tolerance: settings.eigenvalueTolerance, alignmentDepth: 0),
                analysis.index == 0
            else { continue }
            ends.append((point, objective.value(at: point), analysis))
        }
        guard let best = ends.min(by: { $0.value < $1.value }) else { return nil }
        return BestFit(
            network: Network(flat: best.point), trainingError: best.value, gradientNorm: best.analysis.gradientNorm,
            index: best.analysis.index, zeroCount: best.analysis.zeroCount,
            reached: ends.filter { abs($0.value - best.value) <= 1e-9 * max(best.value, 1e-300) }.count,
            starts: starts)
    }
}
