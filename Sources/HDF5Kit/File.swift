import CHDF5

#if canImport(Glibc)
    import Glibc
#endif

/// An open HDF5 file.
///
/// Files are written byte-reproducibly: object modification times are never recorded, so the
/// same sequence of writes gives the same bytes. `close()` closes the file *strongly*: every
/// group and dataset still open in it is closed too and the file is complete on disk afterwards.
/// Until then, groups and datasets keep the file open even if this object is released.
///
/// After the first read or write the operating system refuses (a full disk, an I/O error), the
/// file is *failed*: HDF5 is not called for it again, every later operation on it or its objects
/// throws that first error (`failure`), and `close()` throws it without touching HDF5 (see
/// `FileState` for why); `discard()` deletes it and releases its space. Writable files still
/// open when the process exits are closed then, failed ones excepted.
/// Not thread-safe: the serial HDF5 library must be used by one thread at a time.
public final class HDF5File {
    let state: FileState
    /// The root group `/`.
    public let root: HDF5Group

    private init(path: String, writable: Bool, handle: Handle) throws {
        state = FileState(path: path, writable: writable, handle: handle)
        let state = state
        root = try HDF5Group(
            handle: Handle(.group, owner: state, "open root group") { H5Gopen2(handle.id, "/", chdf5_p_default()) },
            file: state)
    }

    /// Creates a new file at `path`, truncating any existing file.
    /// - Throws: `HDF5Error` if the file cannot be created; for a refused create (read-only file
    ///   system, missing directory) its description is one line naming the path and the reason.
    public static func create(_ path: String) throws -> HDF5File {
        let creation = try Handle(.propertyList, "create file-creation property list") {
            H5Pcreate(chdf5_p_file_create())
        }
        // The file-creation list also configures the root group: no timestamps there either.
        try checked("disable time tracking for '\(path)'") { H5Pset_obj_track_times(creation.id, false) }
        let access = try fileAccessList()
        do {
            let file = try withExtendedLifetime((creation, access)) {
                try Handle(.file, "create file '\(path)'") {
                    H5Fcreate(path, chdf5_f_acc_trunc(), creation.id, access.id)
                }
            }
            return try HDF5File(path: path, writable: true, handle: file)
        } catch let error as HDF5Error {
            throw error.naming(path, action: .create)
        }
    }

    /// Opens an existing file.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - writable: open read-write instead of read-only.
    /// - Throws: `HDF5Error` if the file is missing, unreadable, not HDF5 or truncated.
    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        let access = try fileAccessList()
        let flags = writable ? chdf5_f_acc_rdwr() : chdf5_f_acc_rdonly()
        do {
            let file = try withExtendedLifetime(access) {
                try Handle(.file, "open file '\(path)'") { H5Fopen(path, flags, access.id) }
            }
            return try HDF5File(path: path, writable: writable, handle: file)
        } catch let error as HDF5Error {
            throw error.naming(path)
        }
    }

    /// A file-access property list with the strong close degree (see the type's documentation).
    private static func fileAccessList() throws -> Handle {
        let access = try Handle(.propertyList, "create file-access property list") { H5Pcreate(chdf5_p_file_access()) }
        try checked("set strong file close degree") { H5Pset_fclose_degree(access.id, H5F_CLOSE_STRONG) }
        return access
    }

    /// The first refused read or write of this file; nil while the file is healthy.
    public var failure: HDF5Error? { state.failure }

    /// Writes all buffered data of the file to disk.
    /// - Throws: `HDF5Error` if the file is closed or the write fails (the file is then failed).
    public func flush() throws {
        try state.guardedFinal { try checked("flush file") { H5Fflush(state.handle.id, H5F_SCOPE_GLOBAL) } }
    }

    /// Closes the file and every object still open in it. Calling it again does nothing.
    ///
    /// A writable file is flushed first, so that a refused write surfaces here, where the file
    /// can still be given up safely, rather than inside `H5Fclose`.
    /// - Throws: `HDF5Error` if HDF5 fails to write the file out, or the file's earlier failure.
    public func close() throws {
        if let failure = state.failure { throw failure }
        guard !state.isClosed else { return }
        if state.writable { try flush() }
        state.isClosed = true
        try state.guardedFinal {
            try root.handle.close()
            try state.handle.close()
        }
    }

    /// Gives up a file being written and deletes it, releasing its space: a healthy file is
    /// closed first; a failed one, which HDF5 must not touch again, is emptied through its
    /// descriptor instead. Best effort: the file is being given up, so failures are not reported.
    public func discard() {
        do {
            try close()
        } catch {
            // The file is failed now (or was already); it is emptied and deleted below.
        }
        state.truncateFailedFile()
        _ = unlink(state.path)
    }

    /// The HDF5 library version in use, e.g. `"1.10.8"`.
    public static var libraryVersion: String {
        guard Library.initialised else { return "unknown" }
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
        return "\(major).\(minor).\(release)"
    }
}
