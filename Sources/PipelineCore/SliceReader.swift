import Foundation

/// Typed, checked access to a node's config slice, naming keys as `pipeline.json` does.
///
/// Every value read is checked against the schema at its config path (when the schema is
/// known), so the schema is the one place for types, ranges and defaults; a stage's `settings`
/// adds only the checks that span keys. Errors are `ConfigError`s (exit code 2) naming the config
/// key (`train.eta`) and the value.
public struct SliceReader {
    public let slice: JSONValue
    /// The config section the slice comes from (`train`), nil when it is not one section.
    public let section: String?
    /// Config paths of slice keys that come from elsewhere, by first path component.
    public let origins: [String: String]
    /// The node's dataset or run, which stands for `*` in config paths (`runs.noisy.targets`).
    public let instance: String?
    private let validator: SchemaValidator?

    public init(_ slice: JSONValue, section: String?, origins: [String: String] = [:], instance: String? = nil, schema: JSONValue? = nil) {
        self.slice = slice
        self.section = section
        self.origins = origins
        self.instance = instance.flatMap { $0.isEmpty ? nil : $0 }
        validator = schema.map(SchemaValidator.init)
    }

    /// The config path of a slice key: `eta` → `train.eta`, `refine.newton_tolerance` →
    /// `eigen.newton_tolerance` when `refine` comes from `eigen`.
    public func configPath(_ key: String) -> String {
        var parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.isEmpty {
            parts = [section ?? ""]
        } else if let origin = origins[parts[0]] {
            parts[0] = origin
        } else if let section {
            parts[0] = "\(section).\(parts[0])"
        }
        let path = parts.joined(separator: ".")
        return instance.map { path.replacingOccurrences(of: "*", with: $0) } ?? path
    }

    /// The raw value at a dotted slice path, or nil.
    public func value(_ key: String) -> JSONValue? {
        var current: JSONValue? = slice
        for part in key.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// Whether the slice has a value at `key`.
    public func has(_ key: String) -> Bool { value(key) != nil }

    /// The value at `key`, present and valid against the schema.
    /// - Throws: `ConfigError` when missing or invalid.
    public func checked(_ key: String) throws -> JSONValue {
        guard let found = value(key) else {
            throw ConfigError(path: configPath(key), value: nil, message: "required key is missing")
        }
        return try validator?.validate(found, at: configPath(key)) ?? found
    }

    public func double(_ key: String) throws -> Double {
        try convert(key, "a finite number") { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    public func int(_ key: String) throws -> Int {
        try convert(key, "an integer") { value in
            value.doubleValue.flatMap { abs($0) <= SchemaValidator.largestExactInteger && $0.rounded() == $0 ? Int($0) : nil }
        }
    }

    /// A seed: an integer in 0...2^53.
    public func seed(_ key: String) throws -> UInt64 {
        let value = try int(key)
        guard value >= 0 else { throw failure(key, "must be ≥ 0") }
        return UInt64(value)
    }

    public func string(_ key: String) throws -> String {
        try convert(key, "a string") { $0.stringValue }
    }

    public func bool(_ key: String) throws -> Bool {
        try convert(key, "a boolean") { $0.boolValue }
    }

    public func doubles(_ key: String) throws -> [Double] {
        try convert(key, "an array of finite numbers") { value in
            value.arrayValue.flatMap { items in
                let numbers = items.compactMap(\.doubleValue)
                return numbers.count == items.count && numbers.allSatisfy(\.isFinite) ? numbers : nil
            }
        }
    }

    public func strings(_ key: String) throws -> [String] {
        try convert(key, "an array of strings") { value in
            value.arrayValue.flatMap { items in
                let strings = items.compactMap(\.stringValue)
                return strings.count == items.count ? strings : nil
            }
        }
    }

    /// A cross-key violation at `key`, with its value.
    public func failure(_ key: String, _ message: String) -> ConfigError {
        ConfigError(path: configPath(key), value: value(key)?.brief, message: message)
    }

    private func convert<T>(_ key: String, _ expected: String, _ transform: (JSONValue) -> T?) throws -> T {
        let found = try checked(key)
        guard let result = transform(found) else { throw failure(key, "expected \(expected), got \(found.typeName)") }
        return result
    }
}
