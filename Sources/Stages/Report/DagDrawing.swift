import Foundation
import PipelineCore

/// The DAG of the nodes the report was made from, as Graphviz draws it (`dot -Tsvg`): one box
/// per node with its short key, linked to the node's row in the page's provenance table, one
/// arrow per input (labelled with its role, except the per-run roles of the joining nodes).
struct DagDrawing {
    let nodes: [String: NodeProvenance]
    /// The report node itself (from the driver's provenance), nil for a manual run.
    let report: Provenance?

    var dot: String {
        var lines = [
            "digraph pipeline {", "  rankdir=LR;", "  bgcolor=\"transparent\";",
            "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6f8\", color=\"#7a8794\", "
                + "fontname=\"Helvetica\", fontsize=10];",
            "  edge [color=\"#9aa5b1\", fontname=\"Helvetica\", fontsize=8, fontcolor=\"#52606d\"];",
        ]
        for node in ReportInputs.topologicalOrder(Array(nodes.values)) {
            lines.append(
                "  \(quote(node.node)) [label=\(quote("\(node.node)\nkey \(node.key.prefix(12))")), "
                    + "URL=\(quote("#\(node.anchor)")), tooltip=\(quote("\(node.node): key \(node.key)"))];"
            )
        }
        var edges: [String: [String]] = [:]
        for node in nodes.values {
            // A sweep summary's inputs (its runs' nodes) are not drawn: the page does not read them.
            for input in node.inputs where nodes[input.node] != nil {
                edges["\(input.node)\u{0}\(node.node)", default: []].append(input.role)
            }
        }
        if let report {
            // The report reads every node; drawing all those arrows would hide the pipeline's own,
            // so only the figures' arrows are drawn and the label says the rest.
            let name = report.instance.isEmpty ? report.stage : "\(report.stage)[\(report.instance)]"
            lines.append(
                "  \(quote(name)) [label=\(quote("\(name)\nkey \(report.key.prefix(12))\n(reads every artifact)")), "
                    + "fillcolor=\"#e3f0fb\", tooltip=\(quote("this page: key \(report.key)"))];")
            for (role, input) in report.inputs.objectValue ?? [:] where !role.contains(".") {
                edges["\(input["node"]?.stringValue ?? role)\u{0}\(name)", default: []].append(role)
            }
        }
        for (pair, roles) in edges.sorted(by: { $0.key < $1.key }) {
            let ends = pair.split(separator: "\u{0}").map(String.init)
            let shown = roles.filter { !$0.contains(".") }.sorted()
            lines.append(
                "  \(quote(ends[0])) -> \(quote(ends[1]))"
                    + (shown.isEmpty ? ";" : " [label=\(quote(shown.joined(separator: ", ")))];"))
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The drawing as an SVG document.
    /// - Throws: `StageFailure` when Graphviz's `dot` is missing or fails.
    func svg() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["dot", "-Tsvg"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw StageFailure(
                "cannot start Graphviz dot: \(error) (apt-get install graphviz; scripts/setup-debian.sh installs it)")
        }
        // Write on another thread so that a large drawing cannot block both pipes.
        let text = Data(dot.utf8)
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: text); try? input.fileHandleForWriting.close()
        }
        writer.start()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StageFailure(
                "Graphviz dot failed (status \(process.terminationStatus))\(detail.isEmpty ? "" : ": \(detail)"); "
                    + "is graphviz installed? (scripts/setup-debian.sh)")
        }
        return String(decoding: svg, as: UTF8.self)
    }

    private func quote(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
