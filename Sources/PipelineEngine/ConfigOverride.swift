import Foundation
import PipelineCore

/// One `--set key.path=value` override of a configuration: a dotted key path and a JSON value,
/// applied to the parsed document before schema validation, so an override is checked exactly as
/// the same value written in the file would be.
public struct ConfigOverride: Equatable, Sendable {
    /// The dotted key path (`train.eta`).
    public let key: String
    public let value: JSONValue
    /// As given on the command line, for messages and variant names.
    public let text: String

    /// Parses `key.path=value`. The value is JSON (`0.02`, `true`, `[1, 2]`, `"sgd"`); text that is
    /// not JSON is taken as a string (`train.method=sgd`), as Hydra and Snakemake do.
    /// - Throws: `ConfigError` naming the override when it has no `=` or an empty key part.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw ConfigError(path: "", value: nil, message: "--set \(text): expected key.path=value")
        }
        let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let raw = String(text[text.index(after: equals)...])
        guard !key.isEmpty, !key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else {
            throw ConfigError(path: key, value: nil, message: "--set \(text): expected key.path=value")
        }
        self.key = key
        self.text = text
        value = (try? JSONValue.parse(Data(raw.utf8), source: "--set \(key)")) ?? .string(raw)
    }

    /// Whether a problem reported at `path` is about this override's key (or a key inside it).
    public func concerns(_ path: String) -> Bool {
        path == key || path.hasPrefix(key + ".") || key.hasPrefix(path + ".")
    }

    /// The document with the value placed at the key path; missing objects on the way are created.
    /// - Throws: `ConfigError` when a step of the path is not an object.
    public func apply(to document: JSONValue) throws -> JSONValue {
        try Self.place(value, at: key.split(separator: ".").map(String.init)[...], in: document, prefix: "")
    }

    private static func place(_ value: JSONValue, at path: ArraySlice<String>, in node: JSONValue, prefix: String)
        throws -> JSONValue
    {
        guard let first = path.first else { return value }
        guard case .object(var members) = node else {
            throw ConfigError(
                path: prefix, value: node.brief, message: "is not an object, so it has no key '\(first)'")
        }
        let here = prefix.isEmpty ? first : prefix + "." + first
        members[first] = try place(value, at: path.dropFirst(), in: members[first] ?? .object([:]), prefix: here)
        return .object(members)
    }

    /// A folder name for a configuration with these overrides (`train.eta=0.02,multistart.starts=128`):
    /// readable, file-system safe, and short (a long list keeps a prefix and a hash of the whole).
    public static func variantName(_ overrides: [ConfigOverride]) -> String {
        safeName(overrides.map { "\($0.key)=\($0.value.canonical)" }.joined(separator: ","))
    }

    /// A file-system safe folder name for any text: other characters become `_`, a leading dot is
    /// dropped, and a long text keeps a prefix and a hash of the whole.
    public static func safeName(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._=,+-")
        var safe = String(text.map { allowed.contains($0) ? $0 : "_" })
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty { safe = "_" }
        guard safe.count > 80 else { return safe }
        return "\(safe.prefix(64))-\(Hashing.sha256(text).prefix(12))"
    }
}
