import Foundation
import HDF5Kit
import PipelineCore

/// The html-report stage's artifact: the page and the DAG drawing as published files.
///
/// Layout: `/published` (`PublishedFiles`: `index.html`, `dag.svg`, `dag.dot`), of which
/// `<store>/report/` is the driver's copy; root attribute `format` = `html`.
public struct ReportArtifact {
    /// The page, `index.html`.
    public let page: String
    /// Every file the artifact carries (relative path → bytes).
    public let files: [String: Data]

    static func write(page: String, dagSVG: String, dagDOT: String, to root: HDF5Group) throws {
        try root.setAttribute("format", .string("html"))
        try PublishedFiles.write(
            [("index.html", Data(page.utf8)), ("dag.svg", Data(dagSVG.utf8)), ("dag.dot", Data(dagDOT.utf8))], to: root)
    }

    /// Reads a report artifact.
    /// - Throws: `HDF5Error` when a member is missing; `StageFailure` when there is no page.
    public init(reading file: HDF5File) throws {
        files = Dictionary(
            try PublishedFiles.read(file.root).map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
        guard let html = files["index.html"] else { throw StageFailure("the report artifact holds no index.html") }
        page = String(decoding: html, as: UTF8.self)
    }
}
