import CHDF5

/// A failed HDF5 operation: what was attempted and why it failed.
///
/// For failures inside the C library, `message` is HDF5's own error stack, innermost
/// (most specific) error first; for argument checks done by this wrapper it states the violated rule.
/// When the operating system refused a file operation (a full disk, a read-only file system),
/// `systemFailure` says which, and `description` is one line naming the file and the reason.
public struct HDF5Error: Error, CustomStringConvertible {
    /// The operation that failed, usually naming the object involved (`"open dataset 'loss'"`).
    public let operation: String
    /// Why it failed.
    public let message: String
    /// The refused read, write or open behind the failure, if that is what it was.
    public let systemFailure: HDF5SystemFailure?

    public init(operation: String, message: String, systemFailure: HDF5SystemFailure? = nil) {
        self.operation = operation
        self.message = message
        self.systemFailure = systemFailure
    }

    public var description: String {
        if let systemFailure { return "\(systemFailure) (\(operation))" }
        return "HDF5 error in \(operation): \(message)"
    }

    /// The same error with the file named, when HDF5 did not name it.
    func naming(_ path: String, action: HDF5SystemFailure.Action? = nil) -> HDF5Error {
        guard let failure = systemFailure else { return self }
        let named = HDF5SystemFailure(
            action: action ?? failure.action, path: failure.path ?? path, code: failure.code, reason: failure.reason)
        return HDF5Error(operation: operation, message: message, systemFailure: named)
    }
}

/// A file operation the operating system refused, as HDF5 reported it.
public struct HDF5SystemFailure: Equatable, Sendable, CustomStringConvertible {
    /// What was refused.
    public enum Action: String, Sendable {
        case create, open, read, write
        /// A low-level I/O failure HDF5 did not attribute to a read, write or open.
        case access
    }

    public let action: Action
    /// The file, when known.
    public let path: String?
    /// The `errno` value, when HDF5 reported one (e.g. 28, `ENOSPC`).
    public let code: Int32?
    /// The operating system's text for `code` (e.g. "No space left on device"), else HDF5's.
    public let reason: String

    public init(action: Action, path: String?, code: Int32?, reason: String) {
        self.action = action
        self.path = path
        self.code = code
        self.reason = reason
    }

    /// One line: `cannot write /store/train/.abc.h5.tmp-12: No space left on device`.
    public var description: String { "cannot \(action.rawValue) \(path ?? "the file"): \(reason)" }
}

/// The single checked entry point for HDF5 C calls.
///
/// - Parameters:
///   - operation: what is being attempted, for the error message (evaluated only on failure).
///   - call: one HDF5 C call; HDF5 signals failure with a negative return value.
/// - Returns: the call's (non-negative) result.
/// - Throws: `HDF5Error` carrying HDF5's error stack when the result is negative.
@discardableResult
func checked<T: BinaryInteger>(_ operation: @autoclosure () -> String, _ call: () throws -> T) throws -> T {
    guard Library.initialised else {
        throw HDF5Error(operation: "H5open", message: "the HDF5 library could not be initialised")
    }
    let result = try call()
    guard result >= 0 else {
        let stack = ErrorStack.takeCurrent()
        throw HDF5Error(
            operation: operation(), message: stack.summary ?? "HDF5 returned \(result) without an error message",
            systemFailure: stack.systemFailure)
    }
    return result
}
