import PipelineCore

/// Validates a JSON document against the subset of JSON Schema that `pipeline.schema.json` uses,
/// and fills in defaults so that an omitted key and its explicit default hash the same.
///
/// Supported keywords: `type` (object, array, number, integer, string, boolean), `properties`,
/// `required`, `additionalProperties` (false or a schema), `enum`, `minimum`, `maximum`,
/// `exclusiveMinimum`, `exclusiveMaximum`, `minItems`, `maxItems`, `items`, `default`.
/// Annotation keywords (`description`, `x-unit`, `title`, `$schema`, ...) are ignored.
public struct SchemaValidator {
    public let schema: JSONValue

    public init(schema: JSONValue) { self.schema = schema }

    /// Returns `value` with defaults filled in.
    /// - Throws: `ConfigError` for the first violation, naming its key path and value.
    public func validate(_ value: JSONValue) throws -> JSONValue {
        try check(value, against: schema, path: "")
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String) throws -> JSONValue {
        func fail(_ message: String) -> ConfigError {
            ConfigError(path: path, value: value.brief, message: message)
        }
        if case .number(let d) = value, !d.isFinite {
            throw fail("numbers must be finite")
        }
        if schema["type"]?.stringValue == "integer", let d = value.doubleValue, abs(d) > Self.largestExactInteger {
            throw fail("integers must lie within ±2^53 (9007199254740992)")
        }
        if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            throw fail(
                "expected \(type == "integer" ? "an integer" : "a value of type \(type)"), got \(value.typeName)")
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            throw fail("must be one of \(allowed.map(\.canonical).joined(separator: ", "))")
        }
        if let d = value.doubleValue {
            if let min = schema["minimum"]?.doubleValue, d < min { throw fail("must be ≥ \(JSONValue.format(min))") }
            if let max = schema["maximum"]?.doubleValue, d > max { throw fail("must be ≤ \(JSONValue.format(max))") }
            if let min = schema["exclusiveMinimum"]?.doubleValue, d <= min {
                throw fail("must be > \(JSONValue.format(min))")
            }
            if let max = schema["exclusiveMaximum"]?.doubleValue, d >= max {
                throw fail("must be < \(JSONValue.format(max))")
            }
        }
        if case .array(let items) = value {
            if let min = schema["minItems"]?.intValue, items.count < min {
                throw fail("needs at least \(min) element(s), got \(items.count)")
            }
            if let max = schema["maxItems"]?.intValue, items.count > max {
                throw fail("allows at most \(max) element(s), got \(items.count)")
            }
            if let itemSchema = schema["items"] {
                return .array(try items.enumerated().map { try check($1, against: itemSchema, path: "\(path)[\($0)]") })
            }
        }
        if case .object(var members) = value {
            let properties = schema["properties"]?.objectValue ?? [:]
            for key in members.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let propertySchema = properties[key] {
                    members[key] = try check(members[key]!, against: propertySchema, path: child)
                } else if let extra = schema["additionalProperties"] {
                    if extra == .bool(false) {
                        let known = properties.keys.sorted().joined(separator: ", ")
                        throw ConfigError(
                            path: child, value: members[key]!.brief,
                            message: "unknown key" + (known.isEmpty ? "" : " (known keys: \(known))"))
                    }
                    if extra.objectValue != nil {
                        members[key] = try check(members[key]!, against: extra, path: child)
                    }
                }
            }
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                throw ConfigError(
                    path: path.isEmpty ? key : "\(path).\(key)", value: nil, message: "required key is missing")
            }
            for (key, propertySchema) in properties where members[key] == nil {
                if let fallback = propertySchema["default"] {
                    members[key] = try check(
                        fallback, against: propertySchema, path: path.isEmpty ? key : "\(path).\(key)")
                }
            }
            return .object(members)
        }
        return value
    }

    /// Beyond 2^53 not every integer is a double, and `Int` conversions may trap.
    static let largestExactInteger = 9_007_199_254_740_992.0

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number),
            ("null", .null):
            return true
        case ("integer", .number(let d)):
            return d.rounded() == d
        default:
            return false
        }
    }
}
