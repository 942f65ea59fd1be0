import DynamicsAnalysis
import MLPNumerics
import PipelineCore

/// The fits the richer study is read against: the best width-1 fit and the best width-k fit (k the
/// teacher's width; both teacher neurons are needed when the first generalises ≥ 10× worse), and the best
/// width-(m − 1) fit φ embedded in width m — each unit split into a line (`SplitEmbedding`) and a zero
/// unit added (`ZeroUnitEmbedding`).
struct RicherFits {
    /// One unit of φ split: its line's critical structure, and the Hessian index at γ = 1/2.
    struct Split {
        let unit: Int
        let analysis: CriticalLineAnalysis<SplitEmbedding>
        let indexAtHalf: Int
    }

    let widthOne: WidthOneFit
    let teacherWidth: BestFit
    let narrower: BestFit
    let splits: [Split]
    let zeroUnit: ZeroUnitEmbedding
    /// The Hessian index at the zero-unit embedding.
    let zeroUnitIndex: Int

    /// - Throws: `StageFailure` when no start of a fit ends at a strict minimum, or a Hessian is not finite.
    init(data: TrainingSet, teacher: Network, width m: Int, settings: RicherStage.Settings) throws {
        let refiner = settings.newton.refiner
        let scan = settings.line.scanRange
        widthOne = WidthOneFit.fit(
            data, settings: refiner, scanPoints: settings.line.scanPoints, scanRange: scan[0]...scan[1])
        func best(_ k: Int) throws -> BestFit {
            guard
                let fit = BestFit.search(
                    data, width: k, starts: settings.fitStarts, scale: settings.fitScale, seed: 0, settings: refiner)
            else {
                throw StageFailure(
                    "no start of the width-\(k) fit (richer.fit_starts = \(settings.fitStarts)) ended at a minimum")
            }
            return fit
        }
        teacherWidth = try best(teacher.width)
        narrower = m - 1 == teacher.width ? teacherWidth : try best(m - 1)
        let phi = narrower.network
        do {
            splits = try phi.v.indices.filter { phi.v[$0] != 0 }.map { unit in
                let line = SplitEmbedding(base: phi, unit: unit, data: data)
                return Split(
                    unit: unit,
                    analysis: try CriticalLineAnalysis(
                        line: line, eta: settings.eta, gridPoints: settings.line.gammaPoints,
                        gridMargin: settings.line.gammaMargin, tolerance: settings.newton.eigenvalueTolerance),
                    indexAtHalf: try line.analysis(at: 0.5, tolerance: settings.newton.eigenvalueTolerance).index)
            }
            zeroUnit = ZeroUnitEmbedding(base: phi, data: data)
            zeroUnitIndex =
                try HessianAnalysis(
                    network: zeroUnit.point, data: data, tolerance: settings.newton.eigenvalueTolerance,
                    alignmentDepth: 0
                ).index
        } catch {
            throw StageFailure("a Hessian on the width-\(m - 1) fit's embeddings is not finite: \(error)")
        }
    }
}
