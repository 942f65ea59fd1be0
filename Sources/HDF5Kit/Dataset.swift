import CHDF5

/// An HDF5 dataset: an n-dimensional array of one element type, stored row-major.
public final class HDF5Dataset {
    let handle: Handle
    /// Keeps the file open while this dataset is alive; remembers whether it failed.
    let file: FileState
    /// The path the dataset was opened or created with, for error messages.
    let name: String
    /// Dimensions, read when the dataset is opened and updated by `append`.
    public private(set) var shape: [Int]
    /// The stored element type.
    public let elementType: HDF5ElementType
    /// Whether dimension 0 is unlimited (datasets made by `createExtendableDataset`).
    private let hasUnlimitedRows: Bool

    init(handle: Handle, file: FileState, name: String) throws {
        self.handle = handle
        self.file = file
        self.name = name
        let space = try Handle(.dataspace, "get dataspace of '\(name)'") { H5Dget_space(handle.id) }
        let extent = try withExtendedLifetime(space) { try Datatypes.extent(of: space.id) }
        shape = extent.dims
        hasUnlimitedRows = extent.maxDims.first == chdf5_s_unlimited()
        let type = try Handle(.datatype, "get datatype of '\(name)'") { H5Dget_type(handle.id) }
        elementType = try withExtendedLifetime(type) { try Datatypes.elementType(of: type.id) }
    }

    /// Number of elements in one row (product of all dimensions but the first).
    private var rowSize: Int { shape.dropFirst().reduce(1, *) }

    /// Reads the whole dataset as doubles, row-major.
    /// - Throws: `HDF5Error` if the stored type is not a float type.
    public func readDoubles() throws -> [Double] {
        try file.guarded {
            try checkType(Datatypes.readsAsDouble, reading: "Double")
            return try read(memoryType: chdf5_native_double(), rows: nil)
        }
    }

    /// Reads the whole dataset as 64-bit integers, row-major.
    /// - Throws: `HDF5Error` if the stored type is not an integer type that fits `Int64`.
    public func readInt64s() throws -> [Int64] {
        try file.guarded {
            try checkType(Datatypes.readsAsInt64, reading: "Int64")
            return try read(memoryType: chdf5_native_int64(), rows: nil)
        }
    }

    /// Reads the whole dataset as bytes.
    /// - Throws: `HDF5Error` if the stored type is not unsigned 8-bit.
    public func readBytes() throws -> [UInt8] {
        try file.guarded {
            guard elementType == .uint8 else {
                throw HDF5Error(
                    operation: "read bytes from '\(name)'", message: "the dataset holds \(elementType), not uint8")
            }
            return try read(memoryType: chdf5_native_uint8(), rows: nil)
        }
    }

    /// Reads rows `rows` (indices along dimension 0) as doubles, row-major.
    /// - Throws: `HDF5Error` on a type mismatch or if `rows` is not within `0..<shape[0]`.
    public func readDoubleRows(_ rows: Range<Int>) throws -> [Double] {
        try file.guarded {
            try checkType(Datatypes.readsAsDouble, reading: "Double")
            return try read(memoryType: chdf5_native_double(), rows: rows)
        }
    }

    /// Reads rows `rows` (indices along dimension 0) as 64-bit integers, row-major.
    /// - Throws: `HDF5Error` on a type mismatch or if `rows` is not within `0..<shape[0]`.
    public func readInt64Rows(_ rows: Range<Int>) throws -> [Int64] {
        try file.guarded {
            try checkType(Datatypes.readsAsInt64, reading: "Int64")
            return try read(memoryType: chdf5_native_int64(), rows: rows)
        }
    }

    /// Reads the whole dataset as strings, row-major.
    /// - Throws: `HDF5Error` if the dataset does not hold variable-length strings.
    public func readStrings() throws -> [String] {
        try file.guarded { try readAllStrings() }
    }

    private func readAllStrings() throws -> [String] {
        guard elementType == .string else {
            throw HDF5Error(
                operation: "read strings from '\(name)'",
                message: "the dataset holds \(elementType), not variable-length strings")
        }
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
        let type = try Datatypes.utf8String()
        let space = try Handle(.dataspace, "get dataspace of '\(name)'") { H5Dget_space(handle.id) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        return try withExtendedLifetime((type, space)) {
            try checked("read strings from '\(name)'") {
                H5Dread(handle.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), &pointers)
            }
            return try Datatypes.takeStrings(&pointers, type: type.id, space: space.id)
        }
    }

    /// Appends whole rows to an extendable dataset (see `HDF5Group.createExtendableDataset`).
    /// - Parameter values: row-major values; `values.count` must be a multiple of the column count.
    /// - Throws: `HDF5Error` if the dataset is not extendable or `values` is not whole rows.
    public func append(rows values: [Double]) throws {
        try file.guarded { try appendRows(values) }
    }

    private func appendRows(_ values: [Double]) throws {
        let operation = "append to '\(name)'"
        guard hasUnlimitedRows, shape.count == 2, elementType == .float64 else {
            throw HDF5Error(
                operation: operation,
                message: "only 2-D float64 datasets made by createExtendableDataset can be appended to")
        }
        let columns = shape[1]
        guard values.count % columns == 0 else {
            throw HDF5Error(
                operation: operation, message: "\(values.count) values are not whole rows of \(columns) columns")
        }
        let newRows = values.count / columns
        guard newRows > 0 else { return }
        let oldRows = shape[0]
        let newExtent = [hsize_t(oldRows + newRows), hsize_t(columns)]
        try checked(operation) { H5Dset_extent(handle.id, newExtent) }
        shape[0] = oldRows + newRows
        let fileSpace = try selection(rows: oldRows..<(oldRows + newRows))
        let memorySpace = try Datatypes.simpleSpace([newRows, columns])
        _ = try withExtendedLifetime((fileSpace, memorySpace)) {
            try values.withUnsafeBytes { buffer in
                try checked(operation) {
                    H5Dwrite(
                        handle.id, chdf5_native_double(), memorySpace.id, fileSpace.id, chdf5_p_default(),
                        buffer.baseAddress)
                }
            }
        }
    }

    /// Writes `values` over the whole dataset (used right after creation).
    func writeAll<T>(_ values: [T], memoryType: hid_t) throws {
        guard !values.isEmpty else { return }
        _ = try values.withUnsafeBytes { buffer in
            try checked("write dataset '\(name)'") {
                H5Dwrite(handle.id, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress)
            }
        }
    }

    private func checkType(_ accepts: (hid_t) -> Bool, reading wanted: String) throws {
        let type = try Handle(.datatype, "get datatype of '\(name)'") { H5Dget_type(handle.id) }
        guard withExtendedLifetime(type, { accepts(type.id) }) else {
            throw HDF5Error(
                operation: "read \(wanted) values from '\(name)'",
                message: "type mismatch: the dataset holds \(elementType) elements")
        }
    }

    /// The dataset's file dataspace with rows `rows` (all columns) selected.
    private func selection(rows: Range<Int>) throws -> Handle {
        let space = try Handle(.dataspace, "get dataspace of '\(name)'") { H5Dget_space(handle.id) }
        let start = [hsize_t(rows.lowerBound)] + shape.dropFirst().map { _ in hsize_t(0) }
        let count = [hsize_t(rows.count)] + shape.dropFirst().map { hsize_t($0) }
        try checked("select rows \(rows) of '\(name)'") {
            H5Sselect_hyperslab(space.id, H5S_SELECT_SET, start, nil, count, nil)
        }
        return space
    }

    /// Reads all elements (`rows == nil`) or the given rows, converting to `memoryType`.
    private func read<T>(memoryType: hid_t, rows: Range<Int>?) throws -> [T] {
        guard let rows else {
            let count = shape.reduce(1, *)
            return try readBuffer(count: count) {
                H5Dread(handle.id, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0)
            }
        }
        guard let rowCount = shape.first else {
            throw HDF5Error(operation: "read rows of '\(name)'", message: "the dataset is scalar and has no rows")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw HDF5Error(operation: "read rows of '\(name)'", message: "rows \(rows) are outside 0..<\(rowCount)")
        }
        let fileSpace = try selection(rows: rows)
        let memorySpace = try Datatypes.simpleSpace([rows.count] + shape.dropFirst())
        return try withExtendedLifetime((fileSpace, memorySpace)) {
            try readBuffer(count: rows.count * rowSize) {
                H5Dread(handle.id, memoryType, memorySpace.id, fileSpace.id, chdf5_p_default(), $0)
            }
        }
    }

    /// Allocates `count` elements and lets `read` fill them.
    private func readBuffer<T>(count: Int, _ read: (UnsafeMutableRawPointer?) -> herr_t) throws -> [T] {
        guard count > 0 else { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try checked("read dataset '\(name)'") { read(UnsafeMutableRawPointer(buffer.baseAddress)) }
            initialized = count
        }
    }
}
