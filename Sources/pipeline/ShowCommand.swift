import ArgumentParser
import Foundation
import HDF5Kit
import PipelineCore
import PipelineEngine

/// Prints what a node's artifact holds: attributes, groups and datasets with their types and shapes.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a node's artifact: its attributes, and each dataset's type and shape.",
        discussion: "Long attribute values (the config slice, the inputs) are cut; `h5dump -A` prints them whole."
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The node, as `pipeline status` names it.")
    var node: String

    /// Members listed per group before the rest are counted (a render artifact holds a dataset per file).
    static let membersShown = 12

    func run() throws {
        let pipeline = try options.load()
        let artifact = try freshArtifact(node, of: pipeline)
        var text = "\(relative(artifact, to: pipeline.configuration.baseDirectory))\n"
        try reportingErrors {
            let file = try HDF5File.open(artifact.path)
            defer { try? file.close() }
            try Self.describe(file.root, path: "/", depth: 0, into: &text)
        }
        print(text, terminator: "")
    }

    static func describe(_ group: HDF5Group, path: String, depth: Int, into text: inout String) throws {
        let indent = String(repeating: "  ", count: depth)
        text += "\(indent)\(path)\n"
        try attributes(of: group, indent: indent + "  ", into: &text)
        let names = try group.memberNames()
        for name in names.prefix(membersShown) {
            if try group.isGroup(name) {
                try describe(try group.group(name), path: name + "/", depth: depth + 1, into: &text)
            } else {
                let dataset = try group.dataset(name)
                let shape = dataset.shape.map(String.init).joined(separator: " × ")
                text += "\(indent)  \(name)  \(dataset.elementType) [\(shape.isEmpty ? "scalar" : shape)]\n"
                try attributes(of: dataset, indent: indent + "    ", into: &text)
            }
        }
        if names.count > membersShown { text += "\(indent)  … \(names.count - membersShown) more\n" }
    }

    static func attributes(of holder: HDF5AttributeHolder, indent: String, into text: inout String) throws {
        for name in try holder.attributeNames() {
            var value: String
            switch try holder.attribute(name) {
            case .string(let s): value = JSONValue.string(s).canonical
            case .double(let d): value = MetricValue.format(.number(d))
            case .int64(let i): value = String(i)
            case .doubles(let a): value = "[" + a.map { MetricValue.format(.number($0)) }.joined(separator: ", ") + "]"
            case .int64s(let a): value = "[" + a.map(String.init).joined(separator: ", ") + "]"
            }
            if value.count > 100 { value = value.prefix(97) + "…" }
            text += "\(indent)@\(name) = \(value)\n"
        }
    }
}
