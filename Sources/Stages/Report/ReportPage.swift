import FigureData
import Foundation
import PipelineCore
import Render
import Study
import SweepSummary

/// The HTML of `index.html`. Self-contained: styles inline, figures as data URIs, the DAG as
/// inline SVG, no scripts; a Content-Security-Policy forbids loading anything else, so the page
/// works offline (and a browser would report any outside reference). Links to the PDF and CSV
/// files are relative (`../figures/…`), so they work in the store and in an unpacked archive.
struct ReportPage {
    let settings: ReportStage.Settings
    let inputs: ReportInputs
    /// The report node's own provenance (nil for a manual run).
    let own: Provenance?
    let tools: ToolVersions
    let dagSVG: String

    var html: String {
        var sections = [
            overview, paperSection, sweepsSection, RicherSection(runs: inputs.runs).html,
            RelatedStudiesSection(runs: inputs.runs).html, figuresSection,
            provenanceSection, toolsSection, configurationSection,
        ]
        sections.insert(contents, at: 1)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src \
            'unsafe-inline'">
            <title>\(Format.escape(settings.title))</title>
            <style>\(ReportPage.style)</style>
            </head>
            <body>
            \(sections.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    // MARK: Sections

    private var runNames: String { inputs.runs.map { Format.escape($0.run.name) }.joined(separator: ", ") }

    private var overview: String {
        var made = "Made by the <code>html-report</code> node"
        if let own {
            made +=
                " (key <code>\(Format.short(own.key))</code>, git commit <code>\(Format.short(own.gitCommit))</code>)"
        }
        made += " from \(inputs.nodes.count) artifacts of \(inputs.runs.count) run(s): \(runNames)."
        return """
            <header>
            <h1>\(Format.escape(settings.title))</h1>
            <p class="lede">Gradient descent on the two-neuron tanh network <i>f</i>(<i>x</i>; θ) = \
            Σ<sub><i>i</i></sub> <i>v</i><sub><i>i</i></sub> tanh(<i>w</i><sub><i>i</i></sub><i>x</i>), \
            reproducing A. A. Maleknia and Y. Sato, <i>Plateaus, Optima, and Overfitting in Multi-Layer Perceptrons: \
            a Saddle–Saddle–Attractor Scenario</i> \
            (arXiv:2604.02393). Every number and figure on this page is read from the pipeline's content-hashed \
            artifacts.</p>
            <p class="meta">\(made)</p>
            </header>
            """
    }

    private var contents: String {
        var items = [
            "<li><a href=\"#paper\">Does it reproduce the paper?</a></li>", "<li><a href=\"#sweeps\">Sweeps</a></li>",
        ]
        if inputs.runs.contains(where: { $0.richer != nil }) {
            items.append("<li><a href=\"#richer\">The richer case</a></li>")
        }
        items += [
            "<li><a href=\"#related\">The two related papers</a></li>",
            "<li><a href=\"#figures\">Figures</a><ol>",
        ]
        for (n, name) in shownFigures.enumerated() {
            items.append("<li><a href=\"#figure-\(n + 1)\">\(Format.escape(caption(name).title))</a></li>")
        }
        items += [
            "</ol></li>", "<li><a href=\"#provenance\">Provenance: the DAG and every node</a></li>",
            "<li><a href=\"#tools\">Tools and versions</a></li>",
            "<li><a href=\"#configuration\">Effective configuration</a></li>",
        ]
        return "<nav><h2>Contents</h2><ol>\(items.joined())</ol></nav>"
    }

    private var paperSection: String {
        var html = [
            "<section id=\"paper\"><h2>1. Does it reproduce the paper?</h2>",
            "<p>Each row is one claim of the paper: its statement, the value this pipeline computed (read from the "
                + "run's "
                + "<code>phases</code>, <code>eigen</code>, <code>train</code> and <code>multistart</code> artifacts), "
                + "and "
                + "whether they agree. The paper's numbers are for its own setting — the authors' dataset "
                + "<i>D</i><sub>σ</sub> (<code>data/maleknia-sato/data.dat</code>) or its noiseless twin "
                + "<i>D</i><sub>0</sub>, "
                + "full-batch GD, η = 0.01, <i>T</i> = 3·10⁶, θ<sub>0</sub> = (−0.13, 0.13, 0.16, −0.15); a "
                + "run in "
                + "another "
                + "setting shows its values without a verdict.</p>",
            "<p>The paper's richer case — a two-neuron teacher, wider students, online SGD — is a study of its "
                + "own: <code>make richer</code> runs <code>pipeline.richer.json</code> and writes its report to "
                + "<code>results/richer/report/index.html</code> (docs/richer.md; not linked: this page links only "
                + "files that exist when it is made).</p>",
        ]
        for run in inputs.runs {
            let twin = inputs.runs.first { $0.run.dataset == run.run.dataset && $0.run.targets != run.run.targets }
            let comparison = PaperComparison(run: run, twin: twin)
            let data =
                run.run.targets == .clean
                ? "<i>D</i><sub>0</sub> (clean targets)"
                : "<i>D</i><sub>σ</sub> (noisy targets, σ = \(Format.number(run.dataset.sigma)))"
            html.append(
                "<h3 id=\"run-\(Format.escape(run.run.name))\">Run <code>\(Format.escape(run.run.name))</code>: "
                    + "\(data) of dataset <code>\(Format.escape(run.run.dataset))</code></h3>"
            )
            if let reason = comparison.notComparable {
                html.append(
                    "<p class=\"note\">Not the paper's setting — \(Format.escape(reason)) — so no verdicts.</p>")
            }
            html.append(
                "<table class=\"claims\"><thead><tr><th>quantity</th><th>the paper</th><th>this "
                    + "run</th><th>agreement</th></tr></thead><tbody>"
            )
            for row in comparison.rows {
                html.append(
                    "<tr><td>\(row.quantity)</td><td>\(row.paper)</td><td>\(row.measured)</td>"
                        + "<td>\(row.verdict.html)</td></tr>"
                )
            }
            html.append("</tbody></table>")
            html.append(clustersTable(run))
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    private func clustersTable(_ run: RunAnalysis) -> String {
        let multistart = run.multistart
        var html = [
            "<h4 id=\"limits-\(Format.escape(run.run.name))\">Limit functions of the random starts (run "
                + "<code>\(Format.escape(run.run.name))</code>)</h4>",
            "<table class=\"data\"><thead><tr><th>function</th><th>kind</th><th>starts</th><th>basin fraction [95% "
                + "Wilson]</th>"
                + "<th>canonical θ of its representative (<i>w</i>; "
                + "<i>v</i>)</th><th><i>E</i><sub>tr</sub></th><th><i>E</i><sub>gen</sub></th>"
                + "<th>index</th><th>γ on <i>L</i></th></tr></thead><tbody>",
        ]
        for (k, function) in multistart.functions.enumerated() {
            let record = function.record
            let gamma =
                function.gammaRange.map {
                    "\(Format.number($0.lowerBound, digits: 3)) … \(Format.number($0.upperBound, digits: 3)) "
                        + "(\(function.stableCount) GD-stable)"
                } ?? "—"
            let fraction =
                "\(Format.number(function.basinFraction, digits: 3)) [\(Format.number(function.wilsonLow, digits: 3)), "
                + "\(Format.number(function.wilsonHigh, digits: 3))]"
            html.append(
                "<tr><td>\(k)</td><td>\(Format.escape(function.kind))</td><td>\(function.count)</td>"
                    + "<td>\(fraction)</td>"
                    + "<td>\(Format.vector(record.canonical.w)); \(Format.vector(record.canonical.v))</td>"
                    + "<td>\(Format.number(function.trainingError, digits: 5))</td>"
                    + "<td>\(Format.number(function.generalizationError))</td>"
                    + "<td>\(function.index)</td><td>\(gamma)</td></tr>")
        }
        if multistart.functions.isEmpty { html.append("<tr><td colspan=\"9\">no start converged</td></tr>") }
        html.append("</tbody></table>")
        html.append(
            "<p class=\"small\">\(multistart.starts.filter { $0.function != nil }.count) of \(multistart.starts.count) "
                + "starts located "
                + "(\(multistart.certifiedCount) stopped early once their limit set was certain, "
                + "\(multistart.atInfinityCount) of them at infinity: "
                + "the function converges while weights diverge, shown as a finite network computing it; "
                + "\(multistart.periodicCount) on a periodic orbit "
                + "of GD, E<sub>tr</sub> alternating for ever, shown by its point of lowest E<sub>tr</sub>), "
                + "\(multistart.unconvergedCount) did not converge, "
                + "\(multistart.divergedCount) diverged. Limits are grouped into functions by the L² distance of the "
                + "networks.</p>"
        )
        return html.joined(separator: "\n")
    }

    /// A table per sweep: its summary's measures per (n, σ) cell with Wilson intervals
    /// (`ReportInputs.sweeps`, input roles `sweep.<name>`).
    private var sweepsSection: String {
        var html = ["<section id=\"sweeps\"><h2>2. Sweeps</h2>"]
        if inputs.sweeps.isEmpty {
            html.append(
                "<p class=\"note\">This configuration has no sweeps, so there is nothing to summarise here. Sweep "
                    + "summaries "
                    + "(over seeds, <i>n</i> and σ: the fraction of datasets whose limits form one function, basin "
                    + "fractions) appear in "
                    + "this section once a sweep stage feeds this report (input roles "
                    + "<code>sweep.&lt;name&gt;</code>).</p>"
            )
        } else {
            html.append(
                "<p>Theorem 3.1 as a measurement over datasets drawn at each (<i>n</i>, σ): per cell, each fraction "
                    + "with its "
                    + "count and 95% Wilson interval. Fractions of datasets: one limit function; the limits of lowest "
                    + "<i>E</i><sub>tr</sub> "
                    + "one point modulo symmetry (the theorem as stated); <i>A</i> &gt; 0; the line's prediction for "
                    + "the paper's start "
                    + "agreeing with where its training ended. Fractions of starts (pooled over the cell's datasets): "
                    + "reaching the lowest "
                    + "<i>E</i><sub>tr</sub> found on their dataset; ending on the embedded line <i>L</i>, by the sign "
                    + "of <i>A</i>; heading "
                    + "to a minimum at infinity (a unit turning linear or into a step, or two units merging: the "
                    + "function converges, the "
                    + "weights diverge); on a periodic orbit of GD (where η·λ<sub>max</sub> &gt; 2 near a minimum, "
                    + "<i>E</i><sub>tr</sub> "
                    + "alternates for ever; not counted among the lowest); with no limit located within the budget "
                    + "(docs/sweeps.md).</p>"
            )
            for (node, summary) in inputs.sweeps {
                let names = summary.measureNames
                html.append(
                    "<h3>Sweep <code>\(Format.escape(summary.sweep))</code> (<a "
                        + "href=\"#\(node.anchor)\">\(Format.escape(node.node))</a>, "
                        + "\(summary.starts) starts per dataset)</h3>")
                html.append(
                    "<table class=\"data\"><thead><tr><th><i>n</i></th><th>σ</th><th>datasets</th>"
                        + names.map { "<th>\(Format.escape(CellSummary.title($0)))</th>" }.joined()
                        + "<th><i>A</i>: min, quartiles, max</th></tr></thead><tbody>")
                for cell in summary.cells {
                    let measures = cell.measures.map { m in
                        m.trials == 0
                            ? "<td>—</td>"
                            : "<td>\(Format.number(m.fraction, digits: 2)) [\(Format.number(m.low, digits: 2)), "
                                + "\(Format.number(m.high, digits: 2))]"
                                + "<br><span class=\"small\">\(m.successes)/\(m.trials)</span></td>"
                    }.joined()
                    let quantiles = cell.coefficientQuantiles.map { Format.number($0, digits: 2) }.joined(
                        separator: ", ")
                    html.append(
                        "<tr><td>\(cell.n)</td><td>\(Format.number(cell.sigma))</td>"
                            + "<td>\(cell.datasets)</td>\(measures)"
                            + "<td>\(quantiles)</td></tr>"
                    )
                }
                html.append("</tbody></table>")
            }
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    /// The figures the render artifact holds at least one file of, in figure-data order.
    private var shownFigures: [String] {
        inputs.figures.filter { name in inputs.renderedFiles.contains { $0.path.hasPrefix("\(name).") } }
    }

    private func caption(_ name: String) -> FigureCaption { FigureCaption.all[name] ?? FigureCaption.fallback(name) }

    private var figuresSection: String {
        var html = [
            "<section id=\"figures\"><h2>4. Figures</h2>",
            "<p>The figures of <code>figures/</code>, drawn by the <code>render</code> node from the arrays of the "
                + "<code>figure-data</code> node. Each links to its PDF and to one CSV file per panel with the plotted "
                + "values.</p>",
        ]
        let files = Dictionary(inputs.renderedFiles.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
        for (n, name) in shownFigures.enumerated() {
            let number = n + 1
            let text = caption(name)
            var image = "<p class=\"note\">No raster image was rendered (render.formats); see the files below.</p>"
            if let png = files["\(name).png"] {
                let size = ReportPage.pngSize(png).map { " width=\"\($0.width)\" height=\"\($0.height)\"" } ?? ""
                image =
                    "<img src=\"data:image/png;base64,\(png.base64EncodedString())\"\(size) alt=\"Figure \(number): "
                    + "\(Format.escape(text.title))\">"
            } else if let svg = files["\(name).svg"] {
                image =
                    "<img src=\"data:image/svg+xml;base64,\(svg.base64EncodedString())\" alt=\"Figure \(number): "
                    + "\(Format.escape(text.title))\">"
            }
            var links: [String] = []
            for format in ["pdf", "png", "svg"] where files["\(name).\(format)"] != nil {
                links.append("<a href=\"../figures/\(name).\(format)\">\(format.uppercased())</a>")
            }
            let csvs = files.keys.filter { $0.hasPrefix("csv/\(name)_") }.sorted()
                .map { "<a href=\"../figures/\(Format.escape($0))\">\(Format.escape(String($0.dropFirst(4))))</a>" }
            html.append(
                """
                <figure id="figure-\(number)">
                \(image)
                <figcaption><p><b>Figure \(number). \(Format.escape(text.title)).</b> \(text.shows)</p>
                \(text.lookFor.isEmpty ? "" : "<p><b>What to look for.</b> \(text.lookFor)</p>")
                <p class="files">Files: \
                \(links.joined(separator: " · "))\(csvs.isEmpty ? "" : " · CSV: " + csvs.joined(separator: ", "))</p>\
                </figcaption>
                \(figureProvenance(name, number: number, caption: text))
                </figure>
                """)
        }
        if shownFigures.isEmpty { html.append("<p class=\"note\">The render artifact holds no figures.</p>") }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    /// The chain of nodes a figure comes from, with keys, config slices, code and commits.
    private func figureProvenance(_ name: String, number: Int, caption: FigureCaption) -> String {
        var roots: Set<String> = []
        for run in inputs.runs {
            for stage in caption.sources { if let node = run.nodes[stage] { roots.insert(node.node) } }
        }
        for (node, _) in inputs.sweeps where caption.sources.contains(node.stage) { roots.insert(node.node) }
        // The figure's sources and what they were made from, then the export and the renderer.
        let chain =
            inputs.chain(of: roots)
            + ReportInputs.topologicalOrder(
                inputs.nodes.values.filter {
                    [FigureDataStage.name, RenderStage.name].contains($0.stage)
                })
        return "<details class=\"provenance\"><summary>Provenance of Figure \(number): \(chain.count) nodes, "
            + chain.map { Format.escape($0.node) }.joined(separator: " → ") + "</summary>\n"
            + nodeTable(chain, compact: true) + "</details>"
    }

    private var provenanceSection: String {
        let svg = dagSVG.range(of: "<svg").map { String(dagSVG[$0.lowerBound...]) } ?? ""
        var html = [
            "<section id=\"provenance\"><h2>5. Provenance</h2>",
            "<p>The DAG of the nodes this page was made from, drawn by Graphviz (each box links to its row below; "
                + "<code>dag.svg</code> and <code>dag.dot</code> lie beside this page). A node's key is the SHA-256 of "
                + "its stage, "
                + "code identity, config slice and its inputs' content hashes (docs/pipeline.md). Run times and "
                + "creation dates "
                + "are not on this page, which the same inputs always make byte for byte: <code>pipeline status "
                + "--json</code> "
                + "lists each node's wall time from its log.</p>",
            "<div class=\"dag\">\(svg)</div>",
        ]
        html.append(nodeTable(ReportInputs.topologicalOrder(Array(inputs.nodes.values)), compact: false))
        if let own {
            html.append(
                "<p class=\"small\">This page: node <code>\(Format.escape(own.stage))</code>, key "
                    + "<code>\(own.key)</code>, code identity "
                    + "<code>\(own.codeIdentity)</code>, git commit <code>\(Format.escape(own.gitCommit))</code>.</p>")
        }
        html.append("</section>")
        return html.joined(separator: "\n")
    }

    /// A table of nodes: short keys in the compact form (a figure's chain), full ones otherwise.
    private func nodeTable(_ nodes: [NodeProvenance], compact: Bool) -> String {
        var html = [
            "<table "
                + "class=\"nodes\"><thead><tr><th>node</th>"
                + "<th>key</th>\(compact ? "" : "<th>content hash</th>")<th>code identity</th>"
                + "<th>git commit</th><th>HDF5</th><th>config slice</th></tr></thead><tbody>"
        ]
        for node in nodes {
            let id = compact ? "" : " id=\"\(node.anchor)\""
            let name =
                compact ? "<a href=\"#\(node.anchor)\">\(Format.escape(node.node))</a>" : Format.escape(node.node)
            let hash = { (text: String) in
                compact
                    ? "<code title=\"\(Format.escape(text))\">\(Format.escape(Format.short(text)))</code>"
                    : "<code class=\"hash\">\(Format.escape(text))</code>"
            }
            html.append(
                "<tr\(id)><td>\(name)</td>"
                    + "<td>\(hash(node.key))</td>\(compact ? "" : "<td>\(hash(node.contentHash))</td>")"
                    + "<td>\(hash(node.codeIdentity))</td><td>\(hash(node.gitCommit))</td>"
                    + "<td>\(Format.escape(node.hdf5Version))</td>"
                    + "<td><details><summary>\(node.config.objectValue?.count ?? 0) "
                    + "keys</summary><pre>\(Format.escape(node.config.prettyText))</pre></details></td></tr>"
            )
        }
        html.append("</tbody></table>")
        return html.joined(separator: "\n")
    }

    private var toolsSection: String {
        let rows = tools.entries.map {
            "<tr><td>\(Format.escape($0.tool))</td><td><code>\(Format.escape($0.version))</code></td></tr>"
        }
        let versions = Set(inputs.nodes.values.map(\.projectVersion)).sorted().joined(separator: ", ")
        return """
            <section id="tools"><h2>6. Tools and versions</h2>
            <p>As found by the <code>html-report</code> node when it made this page (the renderer's Python is the one \
            the \
            <code>render</code> node uses). Each artifact records the HDF5 library it was written with (tables above); \
            project version(s) of the artifacts: \(Format.escape(versions)).</p>
            <table class="data"><tbody>\(rows.joined())</tbody></table>
            </section>
            """
    }

    private var configurationSection: String {
        """
        <section id="configuration"><h2>7. Effective configuration</h2>
        <p>The configuration this page was made from, every default of <code>pipeline.schema.json</code> filled in \
        (<code>pipeline config</code> prints the same; the store's location is left out).</p>
        <pre class="config">\(Format.escape(settings.configuration.prettyText))</pre>
        </section>
        """
    }

    /// A PNG's width and height from its IHDR chunk.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        guard data.count >= 24, data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            return nil
        }
        let bytes = [UInt8](data[16..<24])
        let width = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }, height = bytes[4..<8].reduce(0) { $0 << 8 | Int($1) }
        return (width, height)
    }

    static let style = """
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu \
        Sans",sans-serif;color:#1f2933;max-width:1180px;margin:0 auto;padding:24px 28px 64px;background:#fff}
        h1{font-size:1.7em;margin:.2em 0 .4em}h2{font-size:1.35em;border-bottom:1px solid \
        #d9e2ec;padding-bottom:.2em;margin-top:2em}
        h3{font-size:1.1em;margin-top:1.6em}h4{font-size:1em;margin-top:1.2em}
        .lede{font-size:1.05em}.meta,.small{color:#52606d;font-size:.9em}.note{background:#fffbea;border-left:4px \
        solid #f0b429;padding:6px 10px}
        nav{background:#f5f7fa;border:1px solid #d9e2ec;border-radius:6px;padding:4px 18px;margin:1em 0}nav \
        h2{border:none;font-size:1.05em;margin:.6em 0 .2em}
        nav ol ol{margin:0}
        table{border-collapse:collapse;margin:.6em 0;font-size:.9em;width:100%}th,td{border:1px solid \
        #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f0f4f8}table.claims td:first-child{width:22%}table.claims \
        td:last-child{width:9%;white-space:nowrap}
        .ok{color:#0e7c3a;font-weight:600}.bad{color:#b42318;font-weight:600}.na{color:#7b8794}
        figure{margin:1.6em 0;padding:12px;border:1px solid #d9e2ec;border-radius:6px}figure \
        img{max-width:100%;height:auto;display:block;margin:0 auto}
        figcaption{margin-top:.6em}figcaption p{margin:.3em 0}.files{font-size:.9em}
        details.provenance{margin-top:.6em;font-size:.9em}details summary{cursor:pointer;color:#334e68}
        pre{background:#f5f7fa;padding:8px;overflow:auto;font-size:.85em;margin:.3em \
        0}code{font-size:.9em}code.hash{word-break:break-all;font-size:.78em}
        .dag{overflow:auto;border:1px solid #d9e2ec;border-radius:6px;padding:8px;margin:.6em 0}.dag \
        svg{max-width:100%;height:auto}
        table.nodes td:last-child{min-width:7em}pre.config{max-height:40em}
        a{color:#1f5fa8}
        """
}
