import Foundation
import HDF5Kit
import PipelineCore

/// The comparison page of two configurations (`<store>/compare/<name>/index.html`): the parameters
/// that differ, the nodes whose keys differ, every metric side by side, and each published image of
/// both sides next to each other. Images are data URIs, so the page is one self-contained file.
public struct ComparisonPage {
    public var name: String
    public var left: String
    public var right: String
    public var parameters: [ConfigurationDiff.Parameter]
    public var nodes: [ConfigurationDiff.Node]
    public var nodeCount: Int
    public var metrics: [MetricComparison]
    /// Published images by path (`figures/learning_curves.png`), per side.
    public var leftImages: [String: Data]
    public var rightImages: [String: Data]

    public init(
        name: String, left: String, right: String, parameters: [ConfigurationDiff.Parameter],
        nodes: [ConfigurationDiff.Node], nodeCount: Int, metrics: [MetricComparison], leftImages: [String: Data],
        rightImages: [String: Data]
    ) {
        self.name = name
        self.left = left
        self.right = right
        self.parameters = parameters
        self.nodes = nodes
        self.nodeCount = nodeCount
        self.metrics = metrics
        self.leftImages = leftImages
        self.rightImages = rightImages
    }

    /// The PNG files the fresh publishing nodes' artifacts carry, by `<published folder>/<path>`.
    /// - Throws: `HDF5Error` when an artifact cannot be read.
    public static func images(of pipeline: Pipeline, status: [Pipeline.Evaluation]) throws -> [String: Data] {
        var images: [String: Data] = [:]
        for evaluation in status where evaluation.state == .fresh {
            guard let folder = pipeline.node(evaluation.id)?.definition.publishedFolder,
                let artifact = evaluation.artifact
            else { continue }
            let file = try HDF5File.open(artifact.path)
            defer { try? file.close() }
            for published in try PublishedFiles.read(file.root) where published.path.hasSuffix(".png") {
                images["\(folder)/\(published.path)"] = published.contents
            }
        }
        return images
    }

    public var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(escape("Comparison \(name)"))</title>
            <style>
            body { font-family: sans-serif; margin: 1.5em; max-width: 110em; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
            td.num { font-family: monospace; }
            .pair { display: flex; gap: 1em; margin-bottom: 1.5em; }
            .pair figure { flex: 1; margin: 0; }
            .pair img { width: 100%; height: auto; border: 1px solid #ddd; }
            .missing { color: #a00; }
            </style></head><body>
            <h1>\(escape("Comparison \(name)"))</h1>
            <p>Left: <code>\(escape(left))</code><br>Right: <code>\(escape(right))</code></p>

            """
        page += "<h2 id=\"parameters\">Parameters that differ (\(parameters.count))</h2>\n"
        page += table(
            ["key", "left", "right"],
            parameters.map { [$0.key, $0.left?.canonical ?? "(absent)", $0.right?.canonical ?? "(absent)"] })
        page += "<h2 id=\"nodes\">Nodes whose keys differ (\(nodes.count) of \(nodeCount))</h2>\n"
        page += table(
            ["node", "why", "left key", "right key"],
            nodes.map {
                [$0.id.description, $0.reason, Self.short($0.left, $0.onLeft), Self.short($0.right, $0.onRight)]
            })
        page += "<h2 id=\"metrics\">Metrics</h2>\n"
        page += table(
            ["node", "metric", "what", "left", "right", "change"],
            metrics.map {
                [
                    $0.node.description, $0.name, $0.label, MetricComparison.cell($0.left, $0.leftState),
                    MetricComparison.cell($0.right, $0.rightState), $0.changeText,
                ]
            })
        page += "<h2 id=\"figures\">Figures</h2>\n"
        let paths = Set(leftImages.keys).union(rightImages.keys).sorted()
        if paths.isEmpty { page += "<p class=\"missing\">Neither side has current figures (run both sides).</p>\n" }
        for path in paths {
            page += "<h3>\(escape(path))</h3>\n<div class=\"pair\">\n"
            page += figure(leftImages[path], caption: "left: \(left)")
            page += figure(rightImages[path], caption: "right: \(right)")
            page += "</div>\n"
        }
        return page + "</body></html>\n"
    }

    /// A key's first 12 characters, or why there is none.
    public static func short(_ key: String?, _ present: Bool) -> String {
        guard present else { return "(no node)" }
        return key.map { String($0.prefix(12)) } ?? "(pending)"
    }

    private func figure(_ png: Data?, caption: String) -> String {
        guard let png else {
            return "<figure><p class=\"missing\">not current on this side</p>"
                + "<figcaption>\(escape(caption))</figcaption></figure>\n"
        }
        return "<figure><img alt=\"\(escape(caption))\" src=\"data:image/png;base64,\(png.base64EncodedString())\">"
            + "<figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    private func table(_ head: [String], _ rows: [[String]]) -> String {
        var text = "<table>\n<tr>" + head.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            text += "<tr>" + row.map { "<td class=\"num\">\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return text + "</table>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
