import CHDF5

/// An HDF5 group: a container of named groups and datasets. Names may be paths (`"a/b"`).
public final class HDF5Group {
    let handle: Handle
    /// Keeps the file open while this group is alive; remembers whether it failed.
    let file: FileState

    init(handle: Handle, file: FileState) {
        self.handle = handle
        self.file = file
    }

    /// Creates a child group (its parent must exist).
    /// - Throws: `HDF5Error` if `name` already exists or its parent is missing.
    public func createGroup(_ name: String) throws -> HDF5Group {
        try file.guarded { try makeGroup(name) }
    }

    private func makeGroup(_ name: String) throws -> HDF5Group {
        let creation = try Handle(.propertyList, "create group-creation property list") {
            H5Pcreate(chdf5_p_group_create())
        }
        try checked("disable time tracking for group '\(name)'") { H5Pset_obj_track_times(creation.id, false) }
        let group = try withExtendedLifetime(creation) {
            try Handle(.group, owner: file, "create group '\(name)'") {
                H5Gcreate2(handle.id, name, chdf5_p_default(), creation.id, chdf5_p_default())
            }
        }
        return HDF5Group(handle: group, file: file)
    }

    /// Opens an existing child group.
    /// - Throws: `HDF5Error` if `name` is missing or not a group.
    public func group(_ name: String) throws -> HDF5Group {
        try file.guarded {
            let group = try Handle(.group, owner: file, "open group '\(name)'") {
                H5Gopen2(handle.id, name, chdf5_p_default())
            }
            return HDF5Group(handle: group, file: file)
        }
    }

    /// Whether `name` (a path relative to this group, or absolute) leads to an existing object.
    /// False for every name once the file has failed (see `HDF5File`).
    public func contains(_ name: String) -> Bool {
        guard file.failure == nil else { return false }
        // H5Lexists fails (rather than answering false) when an intermediate group is missing,
        // so every prefix of the path is checked in turn.
        var prefix = name.hasPrefix("/") ? "/" : ""
        for component in name.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + component
            guard H5Lexists(handle.id, prefix, chdf5_p_default()) > 0 else { return false }
        }
        return H5Oexists_by_name(handle.id, name, chdf5_p_default()) > 0
    }

    /// Names of this group's direct members, sorted.
    /// - Throws: `HDF5Error` if the group cannot be iterated.
    public func memberNames() throws -> [String] {
        try file.guarded { try listMembers() }
    }

    private func listMembers() throws -> [String] {
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { namesPointer in
            try checked("list members of group") {
                H5Literate(
                    handle.id, H5_INDEX_NAME, H5_ITER_INC, nil,
                    { _, name, _, clientData in
                        guard let name, let clientData else { return -1 }
                        clientData.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                        return 0
                    }, namesPointer)
            }
        }
        return names.sorted()
    }

    /// Whether the object `name` is a group (false for a dataset).
    /// - Throws: `HDF5Error` if `name` does not exist.
    public func isGroup(_ name: String) throws -> Bool {
        try file.guarded {
            let object = try Handle(.object, owner: file, "open object '\(name)'") {
                H5Oopen(handle.id, name, chdf5_p_default())
            }
            return withExtendedLifetime(object) { H5Iget_type(object.id) == H5I_GROUP }
        }
    }
}
