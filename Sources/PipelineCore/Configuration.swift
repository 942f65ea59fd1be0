import Foundation

/// A validated configuration document (`pipeline.json`): every value checked against the schema,
/// every default filled in. Stages read it by dotted key path
/// (`section.key`, `entries.name.key`), and the path is the one name a problem is reported under.
///
/// The engine knows only `store`; what the other sections mean is the stages' business.
public final class Configuration {
    /// The configuration file.
    public let file: URL
    /// The whole document, defaults filled in.
    public let document: JSONValue
    /// Views of the document that stages derive once per configuration (`derived(_:)`).
    private var derivedViews: [ObjectIdentifier: Any] = [:]

    public init(file: URL, document: JSONValue) {
        self.file = file
        self.document = document
    }

    /// The directory relative to which the configuration's paths are resolved.
    public var baseDirectory: URL { file.deletingLastPathComponent() }

    /// A path of the configuration resolved against its directory.
    public func resolve(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: baseDirectory).standardizedFileURL
    }

    /// The value at a dotted key path, or nil.
    public func value(at path: String) -> JSONValue? {
        var current: JSONValue? = document
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// The value at `path`.
    /// - Throws: `ConfigError` "required key is missing" naming the path.
    public func required(_ path: String) throws -> JSONValue {
        guard let found = value(at: path) else {
            throw ConfigError(path: path, value: nil, message: "required key is missing")
        }
        return found
    }

    public func double(_ path: String) throws -> Double {
        try convert(path, "a finite number") { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    public func int(_ path: String) throws -> Int {
        try convert(path, "an integer") { $0.intValue }
    }

    /// A seed: an integer in 0...2^53.
    public func seed(_ path: String) throws -> UInt64 {
        let value = try int(path)
        guard value >= 0 else { throw failure(path, "must be ≥ 0") }
        return UInt64(value)
    }

    public func string(_ path: String) throws -> String {
        try convert(path, "a string") { $0.stringValue }
    }

    public func bool(_ path: String) throws -> Bool {
        try convert(path, "a boolean") { $0.boolValue }
    }

    public func doubles(_ path: String) throws -> [Double] {
        try convert(path, "an array of finite numbers") { value in
            value.arrayValue.flatMap { items in
                let numbers = items.compactMap(\.doubleValue)
                return numbers.count == items.count && numbers.allSatisfy(\.isFinite) ? numbers : nil
            }
        }
    }

    public func ints(_ path: String) throws -> [Int] {
        try convert(path, "an array of integers") { value in
            value.arrayValue.flatMap { items in
                let numbers = items.compactMap(\.intValue)
                return numbers.count == items.count ? numbers : nil
            }
        }
    }

    public func strings(_ path: String) throws -> [String] {
        try convert(path, "an array of strings") { value in
            value.arrayValue.flatMap { items in
                let strings = items.compactMap(\.stringValue)
                return strings.count == items.count ? strings : nil
            }
        }
    }

    /// One of an enumeration's cases by its raw value (the schema lists the same values).
    public func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ path: String) throws -> E
    where E.RawValue == String {
        let raw = try string(path)
        guard let value = E(rawValue: raw) else {
            throw failure(path, "must be one of \(E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        return value
    }

    /// The member names of the object at `path`, sorted (none when it is absent).
    public func names(_ path: String) -> [String] {
        (value(at: path)?.objectValue?.keys).map { $0.sorted() } ?? []
    }

    /// A violation of a rule that spans keys, reported at `path` with its value.
    public func failure(_ path: String, _ message: String) -> ConfigError {
        ConfigError(path: path, value: value(at: path)?.brief, message: message)
    }

    /// A view of the document that several stages derive from it (named entries that several stages expand into nodes),
    /// made once per configuration and shared by every stage that asks for it.
    /// - Throws: what `make` throws (then nothing is kept, and the next call tries again).
    public func derived<T>(_ type: T.Type = T.self, _ make: (Configuration) throws -> T) rethrows -> T {
        let id = ObjectIdentifier(type)
        if let known = derivedViews[id] as? T { return known }
        let view = try make(self)
        derivedViews[id] = view
        return view
    }

    private func convert<T>(_ path: String, _ expected: String, _ transform: (JSONValue) -> T?) throws -> T {
        let found = try required(path)
        guard let result = transform(found) else { throw failure(path, "expected \(expected), got \(found.typeName)") }
        return result
    }
}
