import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the artifact store or of the driver's bookkeeping (exit code 3 in the driver).
/// Its description is one line naming the path and the reason.
public enum StoreError: Error, CustomStringConvertible {
    case io(String)
    case corrupt(String, String)
    case locked(String)
    /// The binaries were built from other sources than the tree keys are computed from.
    case staleBuild(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .corrupt(let path, let why): return "corrupt artifact \(path): \(why)"
        case .locked(let message), .staleBuild(let message): return message
        }
    }

    /// A refused system call: `cannot <verb> <path>: <strerror(code)>`.
    public static func system(_ verb: String, _ path: String, code: Int32 = errno) -> StoreError {
        .io("cannot \(verb) \(path): \(String(cString: strerror(code)))")
    }

    /// Too little free space for an artifact, found before writing it.
    public static func noSpace(_ path: String, needed: Int64, available: Int64) -> StoreError {
        .io(
            String(
                format: "cannot write %@: %@ (needs about %.1f MB, %.1f MB free)",
                path, String(cString: strerror(ENOSPC)), Double(needed) / 1e6, Double(available) / 1e6))
    }

    /// A Foundation file error as one line (`cannot write /path: No space left on device`),
    /// instead of the multi-line dump of its `NSError` description.
    public static func from(_ error: Error, verb: String, path: String) -> StoreError {
        if let store = error as? StoreError { return store }
        let ns = error as NSError
        let code: Int32? =
            (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap {
                $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil
            }
            ?? (ns.domain == NSPOSIXErrorDomain ? Int32(ns.code) : nil)
        let filePath = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? path
        if let code { return system(verb, filePath, code: code) }
        return .io("cannot \(verb) \(filePath): \(ns.localizedDescription)")
    }
}
