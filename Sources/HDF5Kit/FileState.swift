import CHDF5

#if canImport(Glibc)
    import Glibc
#endif

/// One open file's bookkeeping: its path and the first refused read or write.
///
/// Once the operating system has refused a read or write of a file (a full disk, an I/O error),
/// HDF5's in-memory state no longer matches the file, and HDF5 1.10 crashes when it later
/// closes such a file: a failing `H5Fclose` frees the file but leaves its identifier registered,
/// so the next close of that identifier — ours, or the library's own cleanup at exit — reads
/// freed memory. So from the first such failure on, HDF5Kit never calls HDF5 for the file again:
/// every operation throws the remembered error and the identifiers are never closed (HDF5's
/// cleanup at exit is off, see `Library`). The file's descriptor stays open until the process
/// ends, which also keeps the file's inode from being reused by a file HDF5 would then mistake
/// for this one; `discard()` releases the space.
final class FileState {
    /// The path the file was created or opened with.
    let path: String
    let writable: Bool
    /// The file identifier. Its closing is this object's business (see `HDF5File.close()`).
    let handle: Handle
    /// The first failure that ended the file's use, if any.
    private(set) var failure: HDF5Error?
    /// Set once the file is closed (or discarded).
    var isClosed = false
    /// The file's descriptor (sec2 driver), to release a failed file's space without HDF5.
    private let descriptor: Int32?

    init(path: String, writable: Bool, handle: Handle) {
        self.path = path
        self.writable = writable
        self.handle = handle
        var pointer: UnsafeMutableRawPointer?
        if H5Fget_vfd_handle(handle.id, chdf5_p_default(), &pointer) >= 0, let pointer {
            descriptor = pointer.load(as: Int32.self)
        } else {
            _ = H5Eclear2(hid_t(H5E_DEFAULT))
            descriptor = nil
        }
        if writable {
            Library.openForWriting.removeAll { $0.value == nil }
            Library.openForWriting.append(Weak(self))
        }
    }

    /// Runs one operation on the file: throws the remembered failure instead if there is one,
    /// and remembers a refused read or write.
    @discardableResult
    func guarded<T>(_ body: () throws -> T) throws -> T {
        if let failure { throw failure }
        do {
            return try body()
        } catch let error as HDF5Error where error.systemFailure != nil {
            throw fail(error)
        }
    }

    /// Runs a flush or close: any failure of it ends the file's use, whatever its cause.
    @discardableResult
    func guardedFinal<T>(_ body: () throws -> T) throws -> T {
        if let failure { throw failure }
        do {
            return try body()
        } catch let error as HDF5Error {
            throw fail(error)
        }
    }

    /// Remembers the failure (the first one wins); HDF5 is not called for this file again.
    /// - Returns: the remembered failure, with the file named.
    @discardableResult
    func fail(_ error: HDF5Error) -> HDF5Error {
        if let failure { return failure }
        let named = error.naming(path)
        failure = named
        handle.forget()
        return named
    }

    /// Empties a failed file through its descriptor (HDF5 is not involved), releasing its space.
    func truncateFailedFile() {
        guard failure != nil, writable, let descriptor else { return }
        _ = ftruncate(descriptor, 0)
    }
}

/// Process-wide HDF5 set-up.
enum Library {
    /// Writable files not yet closed, closed at exit in place of HDF5's own cleanup.
    static var openForWriting: [Weak<FileState>] = []

    /// Initialises HDF5 once: its error stacks are not printed (failures are thrown as
    /// `HDF5Error`), and its cleanup at exit is replaced by `closeFilesAtExit`, which closes
    /// the healthy files still open and never touches a failed one (see `FileState`).
    static let initialised: Bool = {
        guard H5dont_atexit() >= 0, H5open() >= 0, H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil) >= 0 else { return false }
        atexit { Library.closeFilesAtExit() }
        return true
    }()

    /// Closes (and so flushes) every healthy writable file still open.
    static func closeFilesAtExit() {
        for file in openForWriting.compactMap(\.value) where file.failure == nil && !file.isClosed {
            _ = H5Fclose(file.handle.id)
        }
        openForWriting = []
    }
}

/// A weak reference, for the registry of open files.
struct Weak<T: AnyObject> {
    weak var value: T?
    init(_ value: T) { self.value = value }
}
