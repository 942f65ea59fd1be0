import CHDF5

/// Owns one HDF5 identifier and closes it exactly once: explicitly with `close()` or in `deinit`.
final class Handle {
    /// The kind of HDF5 object, which selects the matching close function.
    enum Kind: String {
        case file, group, dataset, dataspace, datatype, propertyList = "property list", attribute
        /// Any object opened with `H5Oopen`.
        case object
    }

    let id: hid_t
    let kind: Kind
    /// The file this object lives in (nil for files and for types, spaces and property lists):
    /// once that file has failed, the object is never closed through HDF5 (see `FileState`).
    let owner: FileState?
    private var isOpen = true

    /// Wraps the identifier returned by `open`.
    /// - Throws: `HDF5Error` when `open` returns a negative identifier.
    init(_ kind: Kind, owner: FileState? = nil, _ operation: @autoclosure () -> String, _ open: () throws -> hid_t)
        throws
    {
        id = try checked(operation(), open)
        self.kind = kind
        self.owner = owner
    }

    /// Closes the identifier; later calls do nothing.
    /// - Throws: `HDF5Error` when HDF5 fails to close it (for a file: to flush it).
    func close() throws {
        guard isOpen else { return }
        isOpen = false
        guard owner?.failure == nil else { return }
        // A strong file close (see `HDF5File`) already closed every object of that file.
        guard H5Iis_valid(id) > 0 else { return }
        try checked("close \(kind.rawValue)") { Handle.closeFunction(kind)(id) }
    }

    /// Gives the identifier up without closing it (for a failed file, see `FileState`).
    func forget() {
        isOpen = false
    }

    deinit {
        // deinit cannot throw; an explicit `close()` is the way to observe close failures.
        if isOpen, owner?.failure == nil, H5Iis_valid(id) > 0 { _ = Handle.closeFunction(kind)(id) }
    }

    private static func closeFunction(_ kind: Kind) -> (hid_t) -> herr_t {
        switch kind {
        case .file: return H5Fclose
        case .group: return H5Gclose
        case .dataset: return H5Dclose
        case .dataspace: return H5Sclose
        case .datatype: return H5Tclose
        case .propertyList: return H5Pclose
        case .attribute: return H5Aclose
        case .object: return H5Oclose
        }
    }
}
