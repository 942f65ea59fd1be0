import Eigen
import Foundation
import PipelineCore
import Refinement
import Train

/// The "reproduces the paper" table: each claim of Maleknia & Sato that one run measures, the
/// paper's statement, the value computed from the run's artifacts, and whether they agree.
///
/// The paper's numbers are for its own setting: the authors' dataset D_σ (the file with SHA-256
/// `authorsDataSHA256`) or its noiseless twin D_0, full-batch GD with η = 0.01 for T = 3·10⁶
/// steps from w = (−0.13, 0.13), v = (0.16, −0.15). A run in another setting gets its values
/// but no verdict.
package struct PaperComparison {
    /// One line of the table; text cells are HTML.
    struct Row {
        let quantity: String
        let paper: String
        let measured: String
        let verdict: Verdict
    }

    enum Verdict: Equatable {
        case agrees, differs
        /// A claim the table shows without a pass/fail rule (or a run in another setting).
        case shown

        var html: String {
            switch self {
            case .agrees: return "<span class=\"ok\">✓ agrees</span>"
            case .differs: return "<span class=\"bad\">✗ differs</span>"
            case .shown: return "<span class=\"na\">—</span>"
            }
        }
    }

    /// SHA-256 of `data/maleknia-sato/data.dat`, the authors' D_σ.
    static let authorsDataSHA256 = "6a088453c8ebc49291bf699e0e470046eccc89a4ebf929b867e952c57557abbe"

    let run: RunAnalysis
    /// A run on the same dataset with the other targets (the D_σ twin of a D_0 run), if any.
    let twin: RunAnalysis?

    /// Nil when the run is in the paper's setting; else why its numbers cannot be compared.
    var notComparable: String? {
        guard case .file(_, let sha256) = run.dataset.origin, sha256 == PaperComparison.authorsDataSHA256 else {
            return "this run's dataset is not the authors' data file (data/maleknia-sato/data.dat)"
        }
        return PaperComparison.trainingDiffers(run.nodes[TrainStage.name]?.config ?? .object([:]))
    }

    /// Nil when a training node's slice (its settings, as its artifact records them) is the paper's
    /// setting — full-batch GD, η = 0.01, width 2, T = 3·10⁶, θ_0 = (−0.13, 0.13, 0.16, −0.15) —;
    /// else the first setting that differs.
    package static func trainingDiffers(_ slice: JSONValue) -> String? {
        let data = Data(slice.canonical.utf8)
        guard let train = try? StageMain.decodeSettings(TrainStage.Settings.self, from: data) else {
            return "the training node's settings cannot be read from its artifact"
        }
        let paperStart = TrainStage.InitialPoint.explicit(w: [-0.13, 0.13], v: [0.16, -0.15])
        let expected: [(key: String, matches: Bool, value: String, paper: String)] = [
            ("train.method", train.method == .gd, train.method.rawValue, "gd"),
            ("train.eta", train.eta == 0.01, JSONValue.format(train.eta), "0.01"),
            ("train.width", train.width == 2, String(train.width), "2"),
            ("train.steps", train.steps == 3_000_000, String(train.steps), "3000000"),
            ("train.init", train.initial == paperStart, "\(train.initial)", "w = (-0.13, 0.13), v = (0.16, -0.15)"),
        ]
        return expected.first { !$0.matches }.map { "\($0.key) = \($0.value) differs from the paper's \($0.paper)" }
    }

    var rows: [Row] {
        run.run.targets == .clean ? cleanRows : noisyRows
    }

    private func verdict(_ passes: Bool) -> Verdict {
        notComparable != nil ? .shown : (passes ? .agrees : .differs)
    }

    private var noisyRows: [Row] {
        let phases = run.phases, final = run.eigen.final
        var rows: [Row] = []
        if let plateau = phases.segments.first(where: { $0.label == "plateau" }) {
            rows.append(
                Row(
                    quantity: "Plateau (saddle near the singular region)", paper: "plateau for <i>t</i> ≲ 100",
                    measured:
                        "<i>t</i> ≤ \(Format.time(plateau.tEnd)) (index \(plateau.index), <i>E</i><sub>tr</sub> ≈ "
                        + "\(Format.number(plateau.trainingErrorAtEnd)))",
                    verdict: verdict(plateau.tEnd >= 30 && plateau.tEnd <= 300)))
        } else {
            rows.append(
                Row(
                    quantity: "Plateau (saddle near the singular region)", paper: "plateau for <i>t</i> ≲ 100",
                    measured: "no plateau segment detected", verdict: verdict(false)))
        }
        rows.append(
            Row(
                quantity: "Early-stopping point <i>t</i>*, <i>E</i><sub>gen</sub>(<i>t</i>*)",
                paper: "<i>E</i><sub>gen</sub> minimum ≈ 2.6·10⁻⁴ near <i>t</i> ≈ 4·10³",
                measured:
                    "<i>E</i><sub>gen</sub>* = \(Format.number(phases.earlyStoppingGeneralizationError)) at <i>t</i>* "
                    + "= \(Format.time(phases.earlyStoppingTime))",
                verdict: verdict(
                    Self.within(phases.earlyStoppingGeneralizationError, 2.6e-4, relative: 0.1)
                        && phases.earlyStoppingTime >= 2e3 && phases.earlyStoppingTime <= 8e3)))
        rows.append(
            Row(
                quantity: "Saddle indices along the run (Hessian eigenvalues &lt; −τ)",
                paper: "2 → 1 → 0: plateau, near-optimal saddle, attractor",
                measured: indexChanges, verdict: verdict(indexSequence == [2, 1, 0])))
        rows.append(
            Row(
                quantity: "Convergence (‖∇<i>E</i><sub>tr</sub>‖ below tolerance)",
                paper: "converged by <i>t</i> ≈ 1.2·10⁶",
                measured: phases.convergenceTime.map { "from <i>t</i> = \(Format.time($0))" }
                    ?? "not converged within <i>T</i>",
                verdict: verdict(phases.convergenceTime.map { $0 >= 0.6e6 && $0 <= 2.4e6 } ?? false)))
        rows.append(
            Row(
                quantity: "Attractor: <i>E</i><sub>tr</sub>", paper: "<i>E</i><sub>tr</sub> ≈ 0.0403",
                measured: Format.number(final.trainingError, digits: 6),
                verdict: verdict(Self.within(final.trainingError, 0.0403, relative: 0.01))))
        rows.append(
            Row(
                quantity: "Attractor: <i>E</i><sub>gen</sub>", paper: "final <i>E</i><sub>gen</sub> ≈ 2.7·10⁻³",
                measured: Format.number(final.generalizationError),
                verdict: verdict(Self.within(final.generalizationError, 2.7e-3, relative: 0.1))))
        rows.append(
            Row(
                quantity: "Attractor: canonical θ and Hessian eigenvalues",
                paper: "an isolated strict local minimum (index 0), off the optimal region",
                measured: Self.describe(final),
                verdict: verdict(final.converged && final.index == 0 && final.zeroCount == 0)))
        rows.append(lineRow)
        rows.append(multistartRow)
        return rows
    }

    private var cleanRows: [Row] {
        let final = run.eigen.final
        var rows: [Row] = []
        if let twin, let distance = startDistance(to: twin) {
            rows.append(
                Row(
                    quantity: "Start shared with <i>D</i><sub>σ</sub> (run \(Format.escape(twin.run.name)))",
                    paper: "almost identical to the <i>D</i><sub>σ</sub> trajectory up to <i>t</i> ≈ 200",
                    measured:
                        "max ‖θ<sub><i>t</i></sub>(<i>D</i><sub>0</sub>) − θ<sub><i>t</i></sub>(<i>D</i>"
                        + "<sub>σ</sub>)‖ "
                        + "over <i>t</i> ≤ 200: "
                        + "\(Format.number(distance.distance)) (‖θ‖ up to \(Format.number(distance.scale)))",
                    verdict: verdict(distance.distance <= 0.1 * distance.scale)))
        }
        let curve = run.train.curve
        let last = curve.t.count - 1
        let earlier = curve.t.lastIndex { Double($0) <= Double(curve.t[max(last, 0)]) / 10 } ?? 0
        if last > 0 {
            rows.append(
                Row(
                    quantity: "Noise is learned last: <i>E</i><sub>tr</sub> and <i>E</i><sub>gen</sub> at the end",
                    paper: "<i>E</i><sub>tr</sub> ≈ <i>E</i><sub>gen</sub> keep falling towards 0 along <i>M</i>",
                    measured:
                        "<i>E</i><sub>tr</sub> = \(Format.number(curve.trainingError[last])), <i>E</i><sub>gen</sub> = "
                        + "\(Format.number(curve.generalizationError[last])) at <i>t</i> = "
                        + "\(Format.time(Double(curve.t[last]))) "
                        + "(\(Format.number(curve.trainingError[earlier])) and "
                        + "\(Format.number(curve.generalizationError[earlier])) "
                        + "at <i>t</i> = \(Format.time(Double(curve.t[earlier]))))",
                    verdict: verdict(
                        curve.trainingError[last] <= curve.trainingError[earlier]
                            && curve.generalizationError[last] <= curve.generalizationError[earlier])))
        }
        rows.append(
            Row(
                quantity: "Saddle indices along the run",
                paper: "2 on the plateau; on <i>M</i> (σ = 0) index 0 with two zero eigenvalues",
                measured: indexChanges + "; final point: " + Self.describe(final, approach: run.eigen.approach),
                verdict: verdict(indexSequence.first == 2 && final.index == 0 && final.zeroCount == 2)))
        rows.append(multistartRow)
        return rows
    }

    /// The width-1 fit embedded as the line L: not a claim of the paper, the structure its multistart meets.
    private var lineRow: Row {
        let line = run.line
        let stable = line.stableSegments.map {
            "[\(Format.number($0.lowerBound, digits: 4)), \(Format.number($0.upperBound, digits: 4))]"
        }
        return Row(
            quantity: "Embedded one-neuron line <i>L</i> (width-1 fit <i>c</i>*·tanh(<i>w</i>*<i>x</i>))",
            paper: "not discussed (SCIENCE.md: every point of <i>L</i> is critical; <i>A</i> decides its interior)",
            measured:
                "<i>w</i>* = \(Format.number(line.fit.w, digits: 6)), <i>c</i>* = "
                + "\(Format.number(line.fit.c, digits: 6)), "
                + "<i>E</i><sub>tr</sub> = \(Format.number(line.fit.trainingError, digits: 6)), <i>A</i> = "
                + "\(Format.number(line.coefficient, digits: 4)); "
                + "GD-stable γ: \(stable.isEmpty ? "none" : stable.joined(separator: " ∪ ")); the paper's start is "
                + "predicted to "
                + "\(Format.escape(line.prediction.destination.rawValue))",
            verdict: .shown)
    }

    private var multistartRow: Row {
        let multistart = run.multistart
        let located = multistart.starts.filter { $0.function != nil }.count
        let functions = multistart.functions.map { function in
            "\(function.kind): \(function.count) (\(Format.number(function.basinFraction, digits: 3)) "
                + "[\(Format.number(function.wilsonLow, digits: 3)), \(Format.number(function.wilsonHigh, digits: 3))])"
        }
        return Row(
            quantity: "Limits of \(multistart.starts.count) random starts",
            paper: "Theorem 3.1: for large <i>n</i> or small σ almost every start reaches one function "
                + "(on the authors' data a fraction stops on the embedded one-neuron line <i>L</i>)",
            measured: "\(located) located in \(multistart.functions.count) limit function(s): "
                + functions.joined(separator: "; ")
                + "; \(multistart.unconvergedCount) unconverged, \(multistart.divergedCount) diverged "
                + "(<a href=\"#limits-\(Format.escape(run.run.name))\">limit functions below</a>)",
            verdict: .shown)
    }

    /// The debounced index before the first escape and after each one.
    var indexSequence: [Int] {
        let escapes = run.phases.escapes
        guard let first = escapes.first else { return run.phases.segments.first.map { [$0.index] } ?? [] }
        return [first.fromIndex] + escapes.map(\.toIndex)
    }

    private var indexChanges: String {
        let escapes = run.phases.escapes
        guard !escapes.isEmpty else {
            return "index \(indexSequence.first.map(String.init) ?? "?") throughout (no escape detected)"
        }
        return escapes.map { "\($0.fromIndex) → \($0.toIndex) at <i>t</i> ≈ \(Format.time($0.t))" }.joined(
            separator: "; ")
    }

    /// The largest distance between the two runs' θ on their common log-grid times t ≤ 200, and
    /// the largest ‖θ‖ there; nil when they share no such time.
    private func startDistance(to twin: RunAnalysis) -> (distance: Double, scale: Double)? {
        let a = run.train.curve, b = twin.train.curve
        guard a.width == b.width else { return nil }
        let bIndex = Dictionary(b.t.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { x, _ in x })
        var distance = 0.0, scale = 0.0, count = 0
        for (i, t) in a.t.enumerated() where t <= 200 {
            guard let j = bIndex[t] else { continue }
            let p = a.network(at: i).flat, q = b.network(at: j).flat
            distance = max(distance, sqrt(zip(p, q).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)))
            scale = max(scale, sqrt(p.map { $0 * $0 }.reduce(0, +)))
            count += 1
        }
        return count == 0 ? nil : (distance, scale)
    }

    static func within(_ value: Double, _ target: Double, relative: Double) -> Bool {
        abs(value - target) <= relative * abs(target)
    }

    /// A refined critical point in one line: canonical θ, index, zero count, eigenvalues, whether Newton converged;
    /// for a run's end located on M, where on M, how fast the run approaches it and which zero directions lie along M.
    static func describe(_ record: CriticalPointRecord, approach: ManifoldApproachRecord? = nil) -> String {
        let point =
            "<i>w</i> = \(Format.vector(record.canonical.w)), <i>v</i> = \(Format.vector(record.canonical.v)); index "
            + "\(record.index), \(record.zeroCount) zero; eigenvalues \(Format.vector(record.eigenvalues)); "
        guard let approach else {
            return point
                + (record.converged
                    ? "refinement converged (‖∇<i>E</i><sub>tr</sub>‖ = \(Format.number(record.gradientNorm)))"
                    : "<span class=\"bad\">refinement did not converge</span> (\(Format.escape(record.reason)))")
        }
        let directions = approach.zeroDirections
        let rate = approach.rateExponent.map {
            "approached like <i>t</i><sup>−\(Format.number($0))</sup> over <i>t</i> ∈ "
                + "[\(Format.time(approach.rateWindow[0])), \(Format.time(approach.rateWindow[1]))] "
                + "(a quartic valley gives <i>t</i><sup>−1/2</sup>)"
        }
        return "the point of <i>M</i> the run approaches (\(Format.escape(approach.piece))), "
            + point
            + "\(directions.along) zero direction(s) along <i>M</i>, \(directions.across) across it; "
            + "θ<sub><i>T</i></sub> is \(Format.number(approach.distance)) from it"
            + (rate.map { ", " + $0 } ?? "")
            + "; Newton from θ<sub><i>T</i></sub> stops (\(Format.escape(approach.newtonReason)), "
            + "‖∇<i>E</i><sub>tr</sub>‖ = \(Format.number(approach.newtonGradientNorm))): "
            + "the Hessian is singular along <i>M</i>"
    }
}
