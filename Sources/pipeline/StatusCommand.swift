import ArgumentParser
import Foundation
import PipelineCore
import PipelineEngine

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List every node with its key, state (fresh, stale, missing, corrupt), artifact and why it is stale."
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Machine-readable output.")
    var json = false

    func run() throws {
        let pipeline = try options.load()
        let evaluations = try reportingErrors { try pipeline.status() }
        if json {
            let items: [JSONValue] = evaluations.map { e in
                .object([
                    "node": .string(e.id.description), "stage": .string(e.id.stage), "instance": .string(e.id.instance),
                    "key": e.key.map { .string($0) } ?? .null, "state": .string(e.state.rawValue),
                    "content_hash": e.state == .fresh ? e.contentHash.map { .string($0) } ?? .null : .null,
                    "artifact": e.artifact.map { .string($0.path) } ?? .null,
                    "wall_seconds": e.state == .fresh
                        ? e.artifact.flatMap { RunLog.wallSeconds(in: RunLog.url(forArtifact: $0)) }
                            .map { .number($0) } ?? .null : .null,
                    "reasons": .array(e.reasons.map { .string($0) }),
                ])
            }
            print(JSONValue.array(items).prettyText)
            return
        }
        let base = pipeline.configuration.baseDirectory.standardizedFileURL.path + "/"
        var text = ""
        for e in evaluations {
            let key = e.key.map { String($0.prefix(12)) } ?? "(pending)"
            let path =
                e.artifact.map { $0.path.hasPrefix(base) ? String($0.path.dropFirst(base.count)) : $0.path } ?? ""
            text += "\(e.state.rawValue.padded(8)) \(e.id.description.padded(28)) \(key)  \(path)\n"
            for reason in e.reasons { text += "           because \(reason)\n" }
        }
        print(text, terminator: "")
    }
}

/// A path relative to a base directory when it lies inside it.
func relative(_ url: URL, to base: URL) -> String {
    let basePath = base.standardizedFileURL.path + "/"
    return url.path.hasPrefix(basePath) ? String(url.path.dropFirst(basePath.count)) : url.path
}
