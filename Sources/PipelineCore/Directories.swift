import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Directory creation with the operating system's reason on failure (Foundation's errors on
/// Linux often carry only "The operation could not be completed").
public enum Directories {
    /// Creates `url` and its missing parents, like `mkdir -p`.
    /// - Throws: `StoreError` naming the first path that could not be created and why, e.g.
    ///   `cannot create directory /a/file/b: Not a directory`.
    public static func create(_ url: URL, verb: String = "create directory") throws {
        var path = ""
        for component in url.standardizedFileURL.path.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) == 0 { continue }
            let code = errno
            var status = stat()
            guard code == EEXIST, stat(path, &status) == 0 else { throw StoreError.system(verb, path, code: code) }
            guard status.st_mode & S_IFMT == S_IFDIR else { throw StoreError.system(verb, path, code: ENOTDIR) }
        }
    }
}
