/// A configuration problem: which key, which value, what is wrong. Exit code 2.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// The dotted key path, e.g. `section.key` ("" for the whole file).
    public let path: String
    /// The offending value, canonical JSON (nil when the key is missing or the file is unreadable).
    public let value: String?
    public let message: String

    public init(path: String, value: String?, message: String) {
        self.path = path
        self.value = value
        self.message = message
    }

    public var description: String {
        var text = "invalid configuration"
        if !path.isEmpty { text += " at key '\(path)'" }
        if let value { text += " (value \(value))" }
        return text + ": " + message
    }
}
