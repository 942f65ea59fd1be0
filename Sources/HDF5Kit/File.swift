import CHDF5

/// An open HDF5 file.
///
/// Files are written byte-reproducibly: object modification times are never recorded, so the
/// same sequence of writes gives the same bytes. `close()` closes the file *strongly*: every
/// group and dataset still open in it is closed too and the file is complete on disk afterwards.
/// Until then, groups and datasets keep the file open even if this object is released.
/// Not thread-safe: the serial HDF5 library must be used by one thread at a time.
public final class HDF5File {
    let handle: Handle
    /// The root group `/`.
    public let root: HDF5Group

    private init(handle: Handle) throws {
        self.handle = handle
        root = try HDF5Group(handle: Handle(.group, "open root group") { H5Gopen2(handle.id, "/", chdf5_p_default()) },
                             file: handle)
    }

    /// Creates a new file at `path`, truncating any existing file.
    /// - Throws: `HDF5Error` if the file cannot be created.
    public static func create(_ path: String) throws -> HDF5File {
        let creation = try Handle(.propertyList, "create file-creation property list") { H5Pcreate(chdf5_p_file_create()) }
        // The file-creation list also configures the root group: no timestamps there either.
        try checked("disable time tracking for '\(path)'") { H5Pset_obj_track_times(creation.id, false) }
        let access = try fileAccessList()
        let file = try withExtendedLifetime((creation, access)) {
            try Handle(.file, "create file '\(path)'") { H5Fcreate(path, chdf5_f_acc_trunc(), creation.id, access.id) }
        }
        return try HDF5File(handle: file)
    }

    /// Opens an existing file.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - writable: open read-write instead of read-only.
    /// - Throws: `HDF5Error` if the file is missing, unreadable, not HDF5 or truncated.
    public static func open(_ path: String, writable: Bool = false) throws -> HDF5File {
        let access = try fileAccessList()
        let flags = writable ? chdf5_f_acc_rdwr() : chdf5_f_acc_rdonly()
        let file = try withExtendedLifetime(access) {
            try Handle(.file, "open file '\(path)'") { H5Fopen(path, flags, access.id) }
        }
        return try HDF5File(handle: file)
    }

    /// A file-access property list with the strong close degree (see the type's documentation).
    private static func fileAccessList() throws -> Handle {
        let access = try Handle(.propertyList, "create file-access property list") { H5Pcreate(chdf5_p_file_access()) }
        try checked("set strong file close degree") { H5Pset_fclose_degree(access.id, H5F_CLOSE_STRONG) }
        return access
    }

    /// Writes all buffered data of the file to disk.
    /// - Throws: `HDF5Error` if the file is closed or the write fails.
    public func flush() throws {
        try checked("flush file") { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
    }

    /// Closes the file and every object still open in it. Calling it again does nothing.
    /// - Throws: `HDF5Error` if HDF5 fails to write the file out.
    public func close() throws {
        try root.handle.close()
        try handle.close()
    }

    /// The HDF5 library version in use, e.g. `"1.10.8"`.
    public static var libraryVersion: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
        return "\(major).\(minor).\(release)"
    }
}
