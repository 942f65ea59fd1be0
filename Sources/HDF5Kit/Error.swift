import CHDF5

/// A failed HDF5 operation: what was attempted and why it failed.
///
/// For failures inside the C library, `message` is HDF5's own error stack, innermost
/// (most specific) error first; for argument checks done by this wrapper it states the violated rule.
public struct HDF5Error: Error, CustomStringConvertible {
    /// The operation that failed, usually naming the object involved (`"open dataset 'loss'"`).
    public let operation: String
    /// Why it failed.
    public let message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "HDF5 error in \(operation): \(message)" }
}

/// Initialises the library once and stops HDF5 from printing error stacks to stderr:
/// failures are reported by throwing `HDF5Error` instead.
private let libraryInitialised: Bool = H5open() >= 0 && H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil) >= 0

/// The single checked entry point for HDF5 C calls.
///
/// - Parameters:
///   - operation: what is being attempted, for the error message (evaluated only on failure).
///   - call: one HDF5 C call; HDF5 signals failure with a negative return value.
/// - Returns: the call's (non-negative) result.
/// - Throws: `HDF5Error` carrying HDF5's error stack when the result is negative.
@discardableResult
func checked<T: BinaryInteger>(_ operation: @autoclosure () -> String, _ call: () throws -> T) throws -> T {
    guard libraryInitialised else {
        throw HDF5Error(operation: "H5open", message: "the HDF5 library could not be initialised")
    }
    let result = try call()
    guard result >= 0 else {
        throw HDF5Error(operation: operation(), message: currentErrorStack() ?? "HDF5 returned \(result) without an error message")
    }
    return result
}

/// Collects and clears HDF5's default error stack, innermost error first; nil when it is empty.
private func currentErrorStack() -> String? {
    var entries: [String] = []
    withUnsafeMutablePointer(to: &entries) { entriesPointer in
        _ = H5Ewalk2(hid_t(H5E_DEFAULT), H5E_WALK_UPWARD, { _, entry, clientData in
            guard let entry, let clientData else { return -1 }
            let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
            let description = entry.pointee.desc.map { String(cString: $0) } ?? ""
            clientData.assumingMemoryBound(to: [String].self).pointee.append("\(function)(): \(description)")
            return 0
        }, entriesPointer)
    }
    _ = H5Eclear2(hid_t(H5E_DEFAULT))
    return entries.isEmpty ? nil : entries.joined(separator: "; ")
}
