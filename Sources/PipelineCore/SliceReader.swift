/// Typed, checked access to a stage's config slice. The driver has validated the slice against
/// the schema already; these checks catch a hand-written `--slice` and name the offending key.
public struct SliceReader {
    public let slice: JSONValue

    public init(_ slice: JSONValue) { self.slice = slice }

    /// The value at a dotted path (`refine.newton_tolerance`), or nil.
    public func value(_ path: String) -> JSONValue? {
        var current: JSONValue? = slice
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// A finite number satisfying `valid`.
    /// - Throws: `StageFailure` naming the key when it is missing, not a number, or invalid.
    public func double(_ path: String, _ requirement: String = "a finite number", where valid: (Double) -> Bool = { _ in true }) throws -> Double {
        guard let d = value(path)?.doubleValue, d.isFinite, valid(d) else { throw failure(path, requirement) }
        return d
    }

    /// An integer satisfying `valid`.
    /// - Throws: `StageFailure` naming the key when it is missing, not an integer, or invalid.
    public func int(_ path: String, _ requirement: String = "an integer", where valid: (Int) -> Bool = { _ in true }) throws -> Int {
        guard let i = value(path)?.intValue, valid(i) else { throw failure(path, requirement) }
        return i
    }

    /// A string, one of `allowed` when given.
    /// - Throws: `StageFailure` naming the key when it is missing or not allowed.
    public func string(_ path: String, oneOf allowed: [String]? = nil) throws -> String {
        guard let s = value(path)?.stringValue, allowed?.contains(s) ?? true else {
            throw failure(path, allowed.map { "one of \($0.joined(separator: ", "))" } ?? "a string")
        }
        return s
    }

    /// A boolean.
    /// - Throws: `StageFailure` naming the key when it is missing or not a boolean.
    public func bool(_ path: String) throws -> Bool {
        guard let b = value(path)?.boolValue else { throw failure(path, "a boolean") }
        return b
    }

    private func failure(_ path: String, _ requirement: String) -> StageFailure {
        StageFailure("slice key '\(path)' must be \(requirement), got \(value(path)?.brief ?? "nothing")")
    }
}
