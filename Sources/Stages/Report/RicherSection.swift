import DynamicsAnalysis
import Foundation
import LinearAlgebra
import MLPNumerics
import Richer
import Study

/// The report's section on the paper's richer case (docs/richer.md), read from the `richer` artifacts:
/// the teacher's choice, how often the saddle–saddle–attractor scheme appears per width and method with
/// 95 % Wilson intervals, the index sequences, whether the noise is learned last (D_σ against D_0 from the
/// same start), and the best width-(m − 1) network embedded in width m.
struct RicherSection {
    let runs: [RunAnalysis]

    private var studied: [(run: RunAnalysis, artifact: RicherArtifact)] {
        runs.compactMap { run in run.richer.map { (run, $0) } }
    }

    /// Empty when no run has the richer study.
    var html: String {
        let studied = self.studied
        guard let first = studied.first else { return "" }
        var html = [
            "<section id=\"richer\"><h2>The richer case</h2>",
            "<p>The paper: “We have also explored the richer case where [the teacher] has 2 neurons … the same "
                + "scheme mimicking Figure 2, but in addition … the online learning algorithm and the study of "
                + "eigenvalues.” It gives no numbers; the teacher, widths and starts here are this pipeline's "
                + "(docs/richer.md). Scheme = a plateau, then the best width-<i>k</i> fit (<i>k</i> = the teacher's "
                + "width) passed as an embedded saddle (index ≥ 1), then an overfitting attractor: a minimum "
                + "(index 0 at the end) below that fit in <i>E</i><sub>tr</sub> and above it in "
                + "<i>E</i><sub>gen</sub>.</p>",
            teacherChoice(first.run, first.artifact),
            schemeTable(studied),
            noiseLearnedLast(studied),
            embeddingTable(studied),
            "<p>Limits of random starts at each width (basin fractions with Wilson intervals): the “Limit "
                + "functions of the random starts” tables of section 1, one per run.</p>",
            "</section>",
        ]
        html.removeAll { $0.isEmpty }
        return html.joined(separator: "\n")
    }

    private func teacherChoice(_ run: RunAnalysis, _ artifact: RicherArtifact) -> String {
        let teacher = run.dataset.teacher
        let ratio = artifact.widthOne.generalizationError / artifact.teacherFit.generalizationError
        let reached = artifact.teacherFit.reached.map { " (reached by \($0.count) of \($0.of) starts)" } ?? ""
        return "<p>Teacher <i>f</i>*(<i>x</i>) = "
            + zip(teacher.v, teacher.w).map { "\(Format.number($0)) tanh(\(Format.number($1))<i>x</i>)" }
            .joined(separator: " + ").replacingOccurrences(of: "+ −", with: "− ")
            + " on the run's data (<code>\(Format.escape(run.run.name))</code>): the best width-1 fit has "
            + "<i>E</i><sub>gen</sub> = \(Format.number(artifact.widthOne.generalizationError)), the best "
            + "width-\(teacher.width) fit \(Format.number(artifact.teacherFit.generalizationError))\(reached): "
            + "ratio \(Format.number(ratio)) "
            + (ratio >= 10 ? "≥ 10, so both teacher neurons are needed." : "< 10: one neuron nearly suffices.")
            + "</p>"
    }

    private func schemeTable(_ studied: [(run: RunAnalysis, artifact: RicherArtifact)]) -> String {
        var rows: [String] = []
        for (run, artifact) in studied {
            for method in DescentMethod.allCases {
                let starts = artifact.starts(method)
                guard !starts.isEmpty else { continue }
                func count(_ keep: (RicherArtifact.StartResult) -> Bool) -> Int { starts.filter(keep).count }
                let scheme = count(\.appears)
                let interval = LimitFunctions.wilsonInterval(successes: scheme, trials: starts.count)
                var sequences: [String: Int] = [:]
                for start in starts {
                    sequences[start.indexSequence.map(String.init).joined(separator: "→"), default: 0] += 1
                }
                let common = sequences.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)
                    .map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
                let finals = starts.map(\.finalGeneralizationError).sorted()
                let fitError = artifact.teacherFit.generalizationError
                // On D_0 the fit is the teacher (E_gen at rounding level): a ratio says nothing there.
                let ratio = fitError > 1e-20 ? Format.number(finals[finals.count / 2] / fitError) : "—"
                rows.append(
                    "<tr><td><code>\(Format.escape(run.run.name))</code></td><td>\(artifact.width)</td>"
                        + "<td>\(method == .sgd ? "online SGD" : "GD")</td><td>\(starts.count)</td>"
                        + "<td>\(count(\.plateau))</td><td>\(count(\.nearOptimalSaddle))</td>"
                        + "<td>\(count(\.overfittingAttractor))</td><td>\(count(\.endsAtFit))</td>"
                        + "<td><b>\(scheme)</b> (\(Format.number(Double(scheme) / Double(starts.count), digits: 3)) "
                        + "[\(Format.number(interval.lowerBound, digits: 3)), "
                        + "\(Format.number(interval.upperBound, digits: 3))])</td>"
                        + "<td>\(Format.number(finals[finals.count / 2]))</td><td>\(ratio)</td><td>\(common)</td></tr>")
            }
        }
        return "<table class=\"data\"><thead><tr><th>run</th><th><i>m</i></th><th>method</th><th>starts</th>"
            + "<th>plateau</th><th>embedded fit passed as a saddle</th><th>overfitting attractor</th>"
            + "<th>ends at the fit</th><th>scheme [95 % Wilson]</th><th>median <i>E</i><sub>gen</sub>(<i>T</i>)</th>"
            + "<th>its ratio to the fit's</th><th>index sequences (starts)</th></tr></thead><tbody>"
            + rows.joined() + "</tbody></table>"
    }

    /// D_σ against D_0 from the same start (width, method, seed): the first log-grid time their parameters
    /// differ by more than 1 % of |θ| on D_0, against the time D_σ passes the embedded fit; and their relative
    /// distance there and at the end.
    private func noiseLearnedLast(_ studied: [(run: RunAnalysis, artifact: RicherArtifact)]) -> String {
        let noisy = studied.filter { $0.artifact.targets == .noisy }.map(\.artifact)
        let clean = studied.filter { $0.artifact.targets == .clean }.map(\.artifact)
        var later = 0, separations: [Double] = [], fits: [Double] = [], atFit: [Double] = [], atEnd: [Double] = []
        for a in noisy {
            guard let b = clean.first(where: { $0.width == a.width }) else { continue }
            for start in a.starts {
                guard
                    let twin = b.starts.first(where: { $0.method == start.method && $0.seed == start.seed }),
                    let fitTime = start.fitTime
                else { continue }
                let separation = Self.separationTime(start.run, twin.run) ?? .infinity
                separations.append(separation)
                fits.append(Double(fitTime))
                atFit.append(Self.relativeDistance(start.run, twin.run, at: fitTime) ?? .nan)
                atEnd.append(
                    Self.relativeDistance(start.run, twin.run, at: min(start.run.t.last!, twin.run.t.last!)) ?? .nan)
                if separation >= Double(fitTime) { later += 1 }
            }
        }
        guard !fits.isEmpty else { return "" }
        func median(_ values: [Double], time: Bool) -> String {
            let sorted = values.filter { !$0.isNaN }.sorted()
            guard !sorted.isEmpty else { return "—" }
            let value = sorted[sorted.count / 2]
            return !value.isFinite ? "never" : time ? Format.time(value) : Format.number(value)
        }
        let pairs = fits.count
        let interval = LimitFunctions.wilsonInterval(successes: later, trials: pairs)
        return "<p><b>Is the noise learned last?</b> Of \(pairs) starts run on both D<sub>σ</sub> and "
            + "D<sub>0</sub> that pass the embedded fit on D<sub>σ</sub>, \(later) "
            + "(\(Format.number(Double(later) / Double(pairs), digits: 3)) "
            + "[\(Format.number(interval.lowerBound, digits: 3)), \(Format.number(interval.upperBound, digits: 3))]) "
            + "keep the two trajectories within 1 % of |θ| until they reach that fit: median separation time "
            + "\(median(separations, time: true)), median time at the fit \(median(fits, time: true)); median "
            + "‖θ<sub>σ</sub> − θ<sub>0</sub>‖ / ‖θ<sub>0</sub>‖ at the fit "
            + "\(median(atFit, time: false)) and at the end \(median(atEnd, time: false)).</p>"
    }

    /// ‖θ_a(t) − θ_b(t)‖ / ‖θ_b(t)‖ at the grid time nearest t common to both runs.
    static func relativeDistance(_ a: SaddleToSaddleRun, _ b: SaddleToSaddleRun, at t: Int) -> Double? {
        guard let i = a.t.indices.min(by: { abs(a.t[$0] - t) < abs(a.t[$1] - t) }),
            let j = b.t.firstIndex(of: a.t[i])
        else { return nil }
        let p = a.network(at: i).flat, q = b.network(at: j).flat
        return Dense.distance(p, q) / Dense.norm(q)
    }

    /// The first common grid time where ‖θ_a − θ_b‖ > 0.01 ‖θ_b‖; nil when they never separate.
    static func separationTime(_ a: SaddleToSaddleRun, _ b: SaddleToSaddleRun) -> Double? {
        let bIndex = Dictionary(b.t.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { x, _ in x })
        for (i, t) in a.t.enumerated() {
            guard let j = bIndex[t] else { continue }
            let p = a.network(at: i).flat, q = b.network(at: j).flat
            if Dense.distance(p, q) > 0.01 * Dense.norm(q) { return Double(t) }
        }
        return nil
    }

    private func embeddingTable(_ studied: [(run: RunAnalysis, artifact: RicherArtifact)]) -> String {
        var rows: [String] = []
        for (run, artifact) in studied {
            let phi = artifact.narrower.network
            for split in artifact.splits {
                let segments = split.stableSegments.map {
                    "[\(Format.number($0.lowerBound, digits: 4)), \(Format.number($0.upperBound, digits: 4))]"
                }
                rows.append(
                    "<tr><td><code>\(Format.escape(run.run.name))</code></td>"
                        + "<td>\(phi.width) → \(artifact.width)</td>"
                        + "<td>split unit \(split.unit + 1) (<i>w</i> = \(Format.number(phi.w[split.unit])), "
                        + "<i>v</i> = \(Format.number(phi.v[split.unit])))</td>"
                        + "<td>\(Format.number(split.coefficient))</td><td>\(split.indexAtHalf)</td>"
                        + "<td>\(split.interiorStable ? "degenerate minimum GD can stay on" : "saddle")</td>"
                        + "<td>\(segments.isEmpty ? "none" : segments.joined(separator: " ∪ "))</td></tr>")
            }
            rows.append(
                "<tr><td><code>\(Format.escape(run.run.name))</code></td>"
                    + "<td>\(phi.width) → \(artifact.width)</td>"
                    + "<td>zero unit (<i>w</i>, <i>v</i>) = (0, 0)</td>"
                    + "<td><i>b</i> = \(Format.number(artifact.zeroUnitCoupling))</td>"
                    + "<td>\(artifact.zeroUnitIndex)</td>"
                    + "<td>\(artifact.zeroUnitIndex > 0 ? "saddle (eigenvalues ±|b|)" : "not a saddle")</td>"
                    + "<td>—</td></tr>")
        }
        return "<p>The best width-(<i>m</i> − 1) fit φ (<i>E</i><sub>tr</sub> per run in the artifact) embedded "
            + "in width <i>m</i>: splitting unit <i>i</i> gives a line of critical points whose curvature across "
            + "it has the sign of γ(1 − γ)<i>A</i><sub><i>i</i></sub>; the interior 0 &lt; γ &lt; 1 is a saddle "
            + "for <i>A</i><sub><i>i</i></sub> &lt; 0 and a degenerate minimum for <i>A</i><sub><i>i</i></sub> "
            + "&gt; 0 (when φ is a minimum), GD-stable where also λ<sub>max</sub> &lt; 2/η.</p>"
            + "<table class=\"data\"><thead><tr><th>run</th><th>widths</th><th>embedding</th>"
            + "<th><i>A</i><sub><i>i</i></sub> or <i>b</i></th><th>index at γ = ½</th><th>interior</th>"
            + "<th>GD-stable γ</th></tr></thead><tbody>" + rows.joined() + "</tbody></table>"
    }
}
