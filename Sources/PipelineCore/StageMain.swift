import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The whole `main` of a stage executable: parse the driver's arguments, refuse a binary built
/// from other sources, decode the settings from the slice, run, and turn every failure into one
/// line on standard error with the documented exit code (2 bad slice or arguments, 1 stage
/// failure, 4 binary built from other sources).
public enum StageMain {
    /// Runs stage `S` on the process's arguments and exits.
    /// - Parameter codeTable: what the stage executables were built from (`BuildProvenance`).
    public static func run<S: Stage>(_ stage: S.Type, codeTable: CodeTable) -> Never {
        exit(execute(S.self, arguments: Array(CommandLine.arguments.dropFirst()), codeTable: codeTable))
    }

    /// Runs stage `S` on an argument list and returns its exit status; in this process, so the
    /// engine's tests run whole pipelines without executables.
    /// - Parameter codeTable: checked against `--expect-code-identity`; nil skips the check.
    public static func execute<S: Stage>(_ stage: S.Type, arguments given: [String], codeTable: CodeTable?) -> Int32 {
        let context: StageContext
        do {
            context = try StageContext.parse(try arguments(given))
        } catch {
            if StageContext.exitCode(for: error) == .success {
                print("\(S.executable): \(S.summary)\n\n" + StageContext.helpMessage())
                return 0
            }
            return fail(StageContext.message(for: error), code: 2)
        }
        if context.codeIdentity {
            guard let identity = codeTable?.builtIdentity(of: S.executable) else {
                return fail("\(S.executable) has no code identity in its build table", code: 1)
            }
            print(identity)
            return 0
        }
        if let expected = context.expectCodeIdentity, let codeTable,
            codeTable.builtIdentity(of: S.executable) != expected
        {
            return fail(
                "\(S.executable) was built from other sources than the tree the driver keyed this node by: run make "
                    + "build",
                code: 4)
        }
        do {
            let settings = try decodeSettings(S.Settings.self, from: try context.sliceData())
            try S.run(settings, context)
            return 0
        } catch let error as ConfigError {
            return fail("\(error)", code: 2)
        } catch let error as ValidationError {
            return fail(error.message, code: 2)
        } catch {
            return fail("\(error)", code: 1)
        }
    }

    /// Decodes a node's settings from its slice (the canonical JSON the driver encoded them as).
    /// - Throws: `ConfigError` naming the slice key that is missing or of the wrong type.
    public static func decodeSettings<T: Decodable>(_ type: T.Type, from slice: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: slice)
        } catch let error as DecodingError {
            throw ConfigError(decoding: error)
        }
    }

    /// `--arguments-file PATH`: the arguments are the JSON array of strings in that file (the driver
    /// passes a node's arguments so when they are too long for a command line).
    public static let argumentsFileOption = "--arguments-file"

    static func arguments(_ given: [String]) throws -> [String] {
        guard given.count == 2, given[0] == argumentsFileOption else { return given }
        guard let data = FileManager.default.contents(atPath: given[1]),
            let items = try JSONValue.parse(data, source: given[1]).arrayValue?.compactMap(\.stringValue)
        else {
            throw ValidationError("cannot read the arguments file \(given[1])")
        }
        return items
    }

    private static func fail(_ message: String, code: Int32) -> Int32 {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return code
    }
}

extension ConfigError {
    /// A slice that does not decode: the key path (`init.w`, `experiments[2].eta`) and why.
    init(decoding error: DecodingError) {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                let name = JSONValueEncoder.snakeCase(key.stringValue)
                return text.isEmpty ? name : text + "." + name
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(
                path: "--slice " + path(context.codingPath + [key]), value: nil, message: "required key is missing")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            self.init(path: "--slice " + path(context.codingPath), value: nil, message: context.debugDescription)
        @unknown default:
            self.init(path: "--slice", value: nil, message: "\(error)")
        }
    }
}
