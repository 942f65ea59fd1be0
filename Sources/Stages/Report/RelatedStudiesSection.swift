import DynamicsAnalysis
import Foundation
import Projected
import Saddles

/// The report's section on the two related papers, read from the `projected` and `saddles`
/// artifacts: what each paper claims, what this pipeline measured, and whether they agree by a
/// stated rule (the rule is printed with the verdict, so a reader can disagree with it).
struct RelatedStudiesSection {
    let runs: [RunAnalysis]

    var html: String {
        var html = ["<section id=\"related\"><h2>3. The two related papers</h2>"]
        let studied = runs.filter { $0.projected != nil || $0.saddles != nil }
        if studied.isEmpty {
            html.append(
                "<p class=\"note\">No run has the related-paper studies (<code>projected.run_targets</code>, "
                    + "<code>saddles.run_targets</code>).</p>")
        }
        for run in studied {
            if let projected = run.projected { html.append(alignment(projected, run: run.run.name)) }
            if let saddles = run.saddles { html.append(saddleToSaddle(saddles, run: run.run.name)) }
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    // MARK: Suspicious alignment

    private func alignment(_ artifact: ProjectedArtifact, run: String) -> String {
        let k = artifact.dominantDimension
        var html = [
            "<h3 id=\"alignment-\(Format.escape(run))\">Suspicious alignment (Deng et al., ALT 2026), run "
                + "<code>\(Format.escape(run))</code></h3>",
            "<p>Branches from θ<sub><i>t</i>₀</sub> of the run's trajectory: plain steps, steps projected onto the "
                + "top-\(k) Hessian "
                + "eigenvector(s) (dominant-only) and onto their complement (bulk-only), projector refreshed every "
                + "\(artifact.refreshEvery) steps. Excess = <i>E</i><sub>tr</sub> − <i>E</i><sub>tr</sub> of the "
                + "run's "
                + "refined limit "
                + "(\(Format.number(artifact.reference, digits: 6))"
                + "\(artifact.referenceConverged ? "" : ", Newton not converged")); "
                + "final = mean over the branch's last decade of steps. The paper's claims: for SGD, χ<sub>\(k)</sub> "
                + "of the full gradient "
                + "near 1 while dominant-only steps do not reduce the excess more than plain steps and bulk-only steps "
                + "reduce it by more "
                + "than an order of magnitude; for GD, convergence with χ<sub>\(k)</sub> → 0 below "
                + "2/λ<sub>max</sub> "
                + "and a stall with "
                + "χ<sub>\(k)</sub> ≈ 1 above.</p>",
            "<table class=\"data\"><thead><tr><th>method</th><th><i>t</i>₀</th><th>η</th><th>2/λ<sub>max</sub> at "
                + "<i>t</i>₀</th>"
                + "<th>excess at <i>t</i>₀</th><th>final: plain</th><th>dominant</th><th>bulk</th><th>dominant / "
                + "plain</th>"
                + "<th>bulk / plain</th><th>late χ<sub>\(k)</sub> (plain)</th><th>claim</th></tr></thead><tbody>",
        ]
        for row in artifact.ratios {
            let ratios = row.ratioToPlain
            html.append(
                "<tr><td>\(row.method == .sgd ? "online SGD" : "GD")</td><td>\(Format.time(Double(row.t0)))</td>"
                    + "<td>\(Format.number(row.eta))</td><td>\(Format.number(row.startThreshold, digits: 4))</td>"
                    + "<td>\(Format.number(row.startExcess))</td>"
                    + row.finalExcess.map { "<td>\(Format.number($0))</td>" }.joined()
                    + "<td>\(Format.number(ratios[1]))</td><td>\(Format.number(ratios[2]))</td>"
                    + "<td>\(Format.number(row.lateAlignment))</td>"
                    + "<td>\(Self.alignmentVerdict(row))</td></tr>")
        }
        html.append("</tbody></table>")
        return html.joined(separator: "\n")
    }

    /// The claim for a row, by a stated rule. SGD: dominant-only no better than plain (ratio ≥ ½)
    /// and bulk-only better by 10× (ratio ≤ 0.1). GD below 2/λ_max at t₀: the excess falls, with
    /// late χ < ½; above: it does not fall (a stall or worse) and late χ > 0.9.
    static func alignmentVerdict(_ row: ProjectedArtifact.Ratio) -> String {
        let ratios = row.ratioToPlain
        let parts: [(String, Bool)]
        if row.method == .sgd {
            parts = [("dominant ≥ ½ plain", ratios[1] >= 0.5), ("bulk ≤ plain/10", ratios[2] <= 0.1)]
        } else if row.eta < row.startThreshold {
            parts = [
                ("η &lt; 2/λ<sub>max</sub>: the excess falls", row.finalExcess[0] < row.startExcess),
                ("χ → 0 (late &lt; ½)", row.lateAlignment < 0.5),
            ]
        } else {
            parts = [
                (
                    "η &gt; 2/λ<sub>max</sub>: stalls (the excess does not fall)",
                    !(row.finalExcess[0] < row.startExcess)
                ),
                ("χ ≈ 1 (late &gt; 0.9)", row.lateAlignment > 0.9),
            ]
        }
        return parts.map { "<span class=\"\($0.1 ? "ok" : "bad")\">\($0.1 ? "✓" : "✗") \($0.0)</span>" }.joined(
            separator: "<br>")
    }

    // MARK: Saddle-to-saddle

    private func saddleToSaddle(_ artifact: SaddlesArtifact, run: String) -> String {
        let slope = artifact.escapeSlope()
        let slopeAgrees = abs(slope - artifact.predictedSlope) <= 0.1 * artifact.predictedSlope
        let widths = artifact.widths.map(String.init).joined(separator: ", ")
        let perWidth =
            artifact.widths.count > 1
            ? "(per width: "
                + artifact.widths.map { "\($0): \(Format.number(artifact.escapeSlope(width: $0), digits: 4))" }
                .joined(separator: ", ") + ") " : ""
        let verdict =
            "<span class=\"\(slopeAgrees ? "ok" : "bad")\">\(slopeAgrees ? "✓" : "✗") within 10% of ln "
            + "10/(2η<i>s</i>)</span>"
        var html = [
            "<h3 id=\"saddles-\(Format.escape(run))\">Saddle-to-saddle (Zhang, Saxe &amp; Latham, ICLR 2026), run "
                + "<code>\(Format.escape(run))</code></h3>",
            """
            <p>Full-batch GD (η = \(Format.number(artifact.eta))) of widths \(widths) from random starts of scale α. \
            The \
            origin is a saddle of index <i>m</i> with eigenvalues ±2<i>s</i>, <i>s</i> = (1/<i>n</i>) Σ \
            <i>x</i><sub><i>k</i></sub><i>y</i><sub><i>k</i></sub> = \(Format.number(artifact.originRate, digits: 5)); \
            a run has escaped once <i>E</i><sub>tr</sub> ≤ \(Format.number(artifact.escapeThreshold, digits: 4)) \
            (half-way down to the width-1 fit's \(Format.number(artifact.widthOneError, digits: 5))). Claim: the \
            escape \
            time grows by ln 10/(2η<i>s</i>) = \(Format.number(artifact.predictedSlope, digits: 4)) steps per decade \
            of \
            1/α (the discrete map: ln 10/ln(1 + 2η<i>s</i>) = \(Format.number(artifact.discreteSlope, digits: 4))), \
            whatever <i>m</i>. Measured over the starts with α ≤ \(Format.number(artifact.slopeMaxScale)): \
            <b>\(Format.number(slope, digits: 4)) steps per decade</b> \(perWidth)\(verdict).</p>
            """,
            "<table class=\"data\"><thead><tr><th><i>m</i></th><th>α</th><th>seed</th><th>escape time</th>"
                + "<th>stopped at</th><th>final <i>E</i><sub>tr</sub></th><th>effective width along the run</th>"
                + "<th>refined plateaus (phase @ <i>t</i>: critical point)</th></tr></thead><tbody>",
        ]
        for result in artifact.starts {
            let run = result.run
            let path = result.plateaus.map {
                "\(Format.escape($0.phase)) @ \(Format.time(Double($0.t))): \(Format.escape($0.summary))"
                    + ($0.converged ? "" : " (Newton not converged)")
            }.joined(separator: "<br>")
            let final = run.trainingError.last ?? .nan
            var note = ""
            if result.start.width == 1 {
                let relative = abs(final - artifact.widthOneError) / artifact.widthOneError
                note =
                    " <span class=\"\(relative <= 1e-6 ? "ok" : "bad")\">\(relative <= 1e-6 ? "✓" : "✗") the "
                    + "width-1 "
                    + "fit (rel. \(Format.number(relative, digits: 2)))</span>"
            }
            let escape = run.escapeTime.map { Format.time(Double($0)) } ?? "never"
            let stopped = "\(Format.time(Double(run.t.last ?? 0)))\(run.reachedMinimum ? " (minimum)" : "")"
            let cells = [
                "\(result.start.width)", Format.number(result.start.scale), "\(result.start.seed)", escape, stopped,
                "\(Format.number(final, digits: 6))\(note)", Self.widthSequence(run.effectiveWidth), path,
            ]
            html.append("<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>")
        }
        html.append("</tbody></table>")
        return html.joined(separator: "\n")
    }

    /// The effective widths visited, repeats collapsed: "0 → 1 → 2".
    static func widthSequence(_ widths: [Int]) -> String {
        var visited: [Int] = []
        for w in widths where visited.last != w { visited.append(w) }
        return visited.map(String.init).joined(separator: " → ")
    }
}
