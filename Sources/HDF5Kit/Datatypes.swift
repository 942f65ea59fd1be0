import CHDF5

/// Internal helpers for HDF5 datatypes and dataspaces shared by datasets and attributes.
enum Datatypes {
    /// Variable-length, NUL-terminated UTF-8 string type, for both file and memory.
    static func utf8String() throws -> Handle {
        let type = try Handle(.datatype, "copy string type") { H5Tcopy(chdf5_c_s1()) }
        try checked("set variable string size") { H5Tset_size(type.id, chdf5_t_variable()) }
        try checked("set UTF-8 character set") { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        return type
    }

    /// Classifies an HDF5 datatype.
    static func elementType(of type: hid_t) throws -> HDF5ElementType {
        let typeClass = H5Tget_class(type)
        guard typeClass != H5T_NO_CLASS else {
            throw HDF5Error(operation: "get datatype class", message: "invalid datatype")
        }
        let bits = H5Tget_size(type) * 8
        switch typeClass {
        case H5T_FLOAT:
            return bits == 64 ? .float64 : .other("float\(bits)")
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            if signed && bits == 64 { return .int64 }
            if !signed && bits == 8 { return .uint8 }
            return .other("\(signed ? "int" : "uint")\(bits)")
        case H5T_STRING:
            return try checked("check string type") { H5Tis_variable_str(type) } > 0
                ? .string : .other("fixed-length string")
        case H5T_COMPOUND: return .other("compound")
        case H5T_ENUM: return .other("enum")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("variable-length sequence")
        case H5T_REFERENCE: return .other("reference")
        default: return .other("HDF5 type class \(typeClass.rawValue)")
        }
    }

    /// Whether values of `type` can be read into Swift `Double`s without loss: any IEEE float of
    /// at most 64 bits.
    static func readsAsDouble(_ type: hid_t) -> Bool {
        H5Tget_class(type) == H5T_FLOAT && H5Tget_size(type) <= 8
    }

    /// Whether values of `type` convert to `Int64` without overflow: signed integers up to 64
    /// bits and unsigned ones below 64 bits.
    static func readsAsInt64(_ type: hid_t) -> Bool {
        guard H5Tget_class(type) == H5T_INTEGER else { return false }
        let size = H5Tget_size(type)
        return size < 8 || (size == 8 && H5Tget_sign(type) == H5T_SGN_2)
    }

    /// A simple dataspace with the given dimensions and optional maximum dimensions.
    static func simpleSpace(_ dims: [Int], maxDims: [hsize_t]? = nil) throws -> Handle {
        let current = dims.map { hsize_t($0) }
        return try Handle(.dataspace, "create dataspace \(dims)") {
            if let maxDims { return H5Screate_simple(Int32(current.count), current, maxDims) }
            return H5Screate_simple(Int32(current.count), current, nil)
        }
    }

    /// A scalar (single-element, rank-0) dataspace.
    static func scalarSpace() throws -> Handle {
        try Handle(.dataspace, "create scalar dataspace") { H5Screate(H5S_SCALAR) }
    }

    /// Current and maximum dimensions of a dataspace (empty for a scalar one).
    static func extent(of space: hid_t) throws -> (dims: [Int], maxDims: [hsize_t]) {
        let rank = Int(try checked("get dataspace rank") { H5Sget_simple_extent_ndims(space) })
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        try checked("get dataspace extent") { H5Sget_simple_extent_dims(space, &dims, &maxDims) }
        return (dims.map { Int($0) }, maxDims)
    }

    /// Calls `body` with a C array of pointers to NUL-terminated UTF-8 copies of `strings`,
    /// the memory layout HDF5 expects for variable-length strings.
    /// - Throws: `HDF5Error` if a string contains a NUL character (C strings would truncate it).
    static func withCStringArray<R>(
        _ strings: [String], operation: String,
        _ body: (UnsafeRawPointer?) throws -> R
    ) throws -> R {
        var bytes: [CChar] = []
        var offsets: [Int] = []
        for string in strings {
            guard !string.utf8.contains(0) else {
                throw HDF5Error(operation: operation, message: "strings must not contain NUL characters")
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8CString)
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in buffer.baseAddress.map { $0 + offset } }
            return try pointers.withUnsafeBufferPointer { try body(UnsafeRawPointer($0.baseAddress)) }
        }
    }

    /// Converts variable-length strings read by HDF5 into Swift strings, then frees HDF5's copies.
    /// - Parameters:
    ///   - pointers: the buffer HDF5 filled.
    ///   - type: the memory type used for the read; `space`: the matching dataspace.
    static func takeStrings(_ pointers: inout [UnsafeMutablePointer<CChar>?], type: hid_t, space: hid_t) throws
        -> [String]
    {
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        try checked("free variable-length strings") { H5Dvlen_reclaim(type, space, chdf5_p_default(), &pointers) }
        return strings
    }
}
