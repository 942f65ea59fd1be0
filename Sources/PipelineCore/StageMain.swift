import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The whole `main` of a stage executable: parse the driver's arguments, refuse a binary built
/// from other sources, decode and check the settings, run, and turn every failure into one line
/// on standard error with the documented exit code (2 bad slice or arguments, 1 stage failure,
/// 4 binary built from other sources).
public enum StageMain {
    /// Runs stage `S` and exits.
    /// - Parameter builtFrom: per-file SHA-256 of the sources this binary was compiled from
    ///   (`BuildProvenance.builtSourceDigests`).
    public static func run<S: Stage>(_ stage: S.Type, builtFrom: [String: String]) -> Never {
        let context: StageContext
        do {
            context = try StageContext.parse(try arguments(Array(CommandLine.arguments.dropFirst())))
        } catch {
            let code = StageContext.exitCode(for: error)
            if code == .success {
                print("\(S.executable): \(S.summary)\n\n" + StageContext.helpMessage())
                exit(0)
            }
            fail(StageContext.message(for: error), code: 2)
        }
        do {
            if let expected = context.expectCodeIdentity {
                let built = CodeIdentity.identity(of: StageDefinition(S.self), digests: builtFrom)
                guard built == expected else {
                    fail("\(S.executable) was built from other sources than the tree the driver keyed this node by: run make build", code: 4)
                }
            }
            let schema = ProjectLayout.current().loadSchema()
            let instance = try context.provenance.map { try Provenance(json: try JSONValue.parse(Data($0.utf8), source: "--provenance")).instance }
            let settings = try S.settings(S.reader(try context.parsedSlice(), instance: instance, schema: schema))
            try S.run(settings, context)
            exit(0)
        } catch let error as ConfigError {
            fail("\(error)", code: 2)
        } catch let error as ValidationError {
            fail(error.message, code: 2)
        } catch {
            fail("\(error)", code: 1)
        }
    }

    /// `--arguments-file PATH`: the arguments are the JSON array of strings in that file (the driver
    /// passes a node's arguments so when they are too long for a command line).
    public static let argumentsFileOption = "--arguments-file"

    static func arguments(_ given: [String]) throws -> [String] {
        guard given.count == 2, given[0] == argumentsFileOption else { return given }
        guard let data = FileManager.default.contents(atPath: given[1]),
              let items = try JSONValue.parse(data, source: given[1]).arrayValue?.compactMap(\.stringValue) else {
            throw ValidationError("cannot read the arguments file \(given[1])")
        }
        return items
    }

    private static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(code)
    }

}
