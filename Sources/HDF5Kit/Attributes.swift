import CHDF5

/// An HDF5 object that carries named attributes (groups and datasets).
public protocol HDF5AttributeHolder {
    /// Sets attribute `name`, replacing an existing one of any type.
    /// - Throws: `HDF5Error` if the attribute cannot be written.
    func setAttribute(_ name: String, _ value: HDF5Value) throws
    /// Reads attribute `name`: scalars as `.string`/`.double`/`.int64`, 1-D arrays as `.doubles`/`.int64s`.
    /// - Throws: `HDF5Error` if it is missing or of a type `HDF5Value` cannot hold.
    func attribute(_ name: String) throws -> HDF5Value
    /// Whether attribute `name` exists.
    func hasAttribute(_ name: String) throws -> Bool
    /// All attribute names, sorted.
    func attributeNames() throws -> [String]
}

extension HDF5Group: HDF5AttributeHolder {
    public func setAttribute(_ name: String, _ value: HDF5Value) throws {
        try file.guarded { try AttributeIO.set(name, value, on: handle) }
    }
    public func attribute(_ name: String) throws -> HDF5Value {
        try file.guarded { try AttributeIO.get(name, on: handle) }
    }
    public func hasAttribute(_ name: String) throws -> Bool {
        try file.guarded { try AttributeIO.exists(name, on: handle) }
    }
    public func attributeNames() throws -> [String] { try file.guarded { try AttributeIO.names(on: handle) } }
}

extension HDF5Dataset: HDF5AttributeHolder {
    public func setAttribute(_ name: String, _ value: HDF5Value) throws {
        try file.guarded { try AttributeIO.set(name, value, on: handle) }
    }
    public func attribute(_ name: String) throws -> HDF5Value {
        try file.guarded { try AttributeIO.get(name, on: handle) }
    }
    public func hasAttribute(_ name: String) throws -> Bool {
        try file.guarded { try AttributeIO.exists(name, on: handle) }
    }
    public func attributeNames() throws -> [String] { try file.guarded { try AttributeIO.names(on: handle) } }
}

/// Attribute reading and writing shared by groups and datasets.
enum AttributeIO {
    static func exists(_ name: String, on object: Handle) throws -> Bool {
        try checked("check attribute '\(name)'") { H5Aexists(object.id, name) } > 0
    }

    static func names(on object: Handle) throws -> [String] {
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { namesPointer in
            try checked("list attributes") {
                H5Aiterate2(
                    object.id, H5_INDEX_NAME, H5_ITER_INC, nil,
                    { _, name, _, clientData in
                        guard let name, let clientData else { return -1 }
                        clientData.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                        return 0
                    }, namesPointer)
            }
        }
        return names.sorted()
    }

    static func set(_ name: String, _ value: HDF5Value, on object: Handle) throws {
        let operation = "write attribute '\(name)'"
        if try exists(name, on: object) {
            try checked("replace attribute '\(name)'") { H5Adelete(object.id, name) }
        }
        /// Creates the attribute and hands its identifier to `write`.
        func create(fileType: hid_t, space: Handle, _ write: (hid_t) throws -> Void) throws {
            let attribute = try withExtendedLifetime(space) {
                try Handle(.attribute, owner: object.owner, operation) {
                    H5Acreate2(object.id, name, fileType, space.id, chdf5_p_default(), chdf5_p_default())
                }
            }
            try withExtendedLifetime(attribute) { try write(attribute.id) }
            try attribute.close()
        }
        /// Writes numeric values; zero-element attributes need no write (HDF5 rejects a null buffer).
        func writeNumbers<T>(_ values: [T], fileType: hid_t, memoryType: hid_t, space: Handle) throws {
            try create(fileType: fileType, space: space) { attribute in
                guard !values.isEmpty else { return }
                _ = try values.withUnsafeBytes { buffer in
                    try checked(operation) { H5Awrite(attribute, memoryType, buffer.baseAddress) }
                }
            }
        }
        switch value {
        case .string(let string):
            let type = try Datatypes.utf8String()
            try withExtendedLifetime(type) {
                try create(fileType: type.id, space: Datatypes.scalarSpace()) { attribute in
                    _ = try Datatypes.withCStringArray([string], operation: operation) { pointers in
                        try checked(operation) { H5Awrite(attribute, type.id, pointers) }
                    }
                }
            }
        case .double(let double):
            try writeNumbers(
                [double], fileType: chdf5_ieee_f64le(), memoryType: chdf5_native_double(),
                space: Datatypes.scalarSpace())
        case .int64(let int):
            try writeNumbers(
                [int], fileType: chdf5_std_i64le(), memoryType: chdf5_native_int64(), space: Datatypes.scalarSpace())
        case .doubles(let doubles):
            try writeNumbers(
                doubles, fileType: chdf5_ieee_f64le(), memoryType: chdf5_native_double(),
                space: Datatypes.simpleSpace([doubles.count]))
        case .int64s(let ints):
            try writeNumbers(
                ints, fileType: chdf5_std_i64le(), memoryType: chdf5_native_int64(),
                space: Datatypes.simpleSpace([ints.count]))
        }
    }

    static func get(_ name: String, on object: Handle) throws -> HDF5Value {
        let operation = "read attribute '\(name)'"
        let attribute = try Handle(.attribute, owner: object.owner, operation) {
            H5Aopen(object.id, name, chdf5_p_default())
        }
        let space = try Handle(.dataspace, operation) { H5Aget_space(attribute.id) }
        let type = try Handle(.datatype, operation) { H5Aget_type(attribute.id) }
        return try withExtendedLifetime((attribute, space, type)) {
            let spaceClass = H5Sget_simple_extent_type(space.id)
            guard spaceClass == H5S_SCALAR || (spaceClass == H5S_SIMPLE && H5Sget_simple_extent_ndims(space.id) == 1)
            else {
                throw HDF5Error(operation: operation, message: "only scalar and 1-D attributes are supported")
            }
            let isScalar = spaceClass == H5S_SCALAR
            let count = Int(try checked(operation) { H5Sget_simple_extent_npoints(space.id) })
            func readNumbers<T>(_ memoryType: hid_t, as: T.Type) throws -> [T] {
                guard count > 0 else { return [] }
                return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    try checked(operation) { H5Aread(attribute.id, memoryType, buffer.baseAddress) }
                    initialized = count
                }
            }
            if Datatypes.readsAsDouble(type.id) {
                let values = try readNumbers(chdf5_native_double(), as: Double.self)
                return isScalar ? .double(values[0]) : .doubles(values)
            }
            if Datatypes.readsAsInt64(type.id) {
                let values = try readNumbers(chdf5_native_int64(), as: Int64.self)
                return isScalar ? .int64(values[0]) : .int64s(values)
            }
            guard try Datatypes.elementType(of: type.id) == .string, isScalar else {
                throw HDF5Error(
                    operation: operation,
                    message:
                        "unsupported attribute type "
                        + "\(try Datatypes.elementType(of: type.id))\(isScalar ? "" : " array")"
                )
            }
            let memoryType = try Datatypes.utf8String()
            var pointers: [UnsafeMutablePointer<CChar>?] = [nil]
            return try withExtendedLifetime(memoryType) {
                try checked(operation) { H5Aread(attribute.id, memoryType.id, &pointers) }
                return .string(try Datatypes.takeStrings(&pointers, type: memoryType.id, space: space.id)[0])
            }
        }
    }
}
