import ArgumentParser
import PipelineCore
import PipelineEngine

/// Prints the effective configuration: the document after schema validation, every default filled in.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration (schema defaults filled in) as pretty JSON with sorted keys.",
        discussion: """
            This is what the stages' config slices are cut from: an omitted key shows its default, and \
            a configuration that writes the default explicitly prints the same text (and gives the \
            same keys). An invalid configuration prints one message and exits with code 2.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let pipeline = try options.load()
        print(pipeline.configuration.document.prettyText)
    }
}
