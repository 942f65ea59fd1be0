import CHDF5

extension HDF5Group {
    /// Creates a float64 dataset.
    /// - Parameters:
    ///   - doubles: the values, row-major.
    ///   - shape: `[count]` by default; 1-D or 2-D, with product equal to `doubles.count`.
    ///   - storage: layout, see `HDF5Storage`.
    /// - Throws: `HDF5Error` on an invalid shape or storage, or if `name` already exists.
    @discardableResult
    public func createDataset(
        _ name: String, doubles: [Double], shape: [Int]? = nil,
        storage: HDF5Storage = .automatic
    ) throws -> HDF5Dataset {
        try file.guarded {
            let dims = try Self.validatedShape(shape, count: doubles.count, name: name)
            let dataset = try makeDataset(
                name, fileType: chdf5_ieee_f64le(), dims: dims,
                chunking: Self.chunking(storage, dims: dims, name: name))
            try dataset.writeAll(doubles, memoryType: chdf5_native_double())
            return dataset
        }
    }

    /// Creates a signed 64-bit integer dataset; arguments as for the `doubles:` variant.
    @discardableResult
    public func createDataset(
        _ name: String, int64s: [Int64], shape: [Int]? = nil,
        storage: HDF5Storage = .automatic
    ) throws -> HDF5Dataset {
        try file.guarded {
            let dims = try Self.validatedShape(shape, count: int64s.count, name: name)
            let dataset = try makeDataset(
                name, fileType: chdf5_std_i64le(), dims: dims,
                chunking: Self.chunking(storage, dims: dims, name: name))
            try dataset.writeAll(int64s, memoryType: chdf5_native_int64())
            return dataset
        }
    }

    /// Creates a 1-D unsigned-byte dataset (opaque contents such as a file's bytes), chunked and
    /// deflated when large, as `.automatic` storage does.
    @discardableResult
    public func createDataset(_ name: String, bytes: [UInt8], storage: HDF5Storage = .automatic) throws -> HDF5Dataset {
        try file.guarded {
            let dims = [bytes.count]
            let dataset = try makeDataset(
                name, fileType: chdf5_std_u8le(), dims: dims,
                chunking: Self.chunking(storage, dims: dims, name: name))
            try dataset.writeAll(bytes, memoryType: chdf5_native_uint8())
            return dataset
        }
    }

    /// Creates a 1-D dataset of variable-length UTF-8 strings (read by h5py as `str`).
    /// - Throws: `HDF5Error` if `name` exists or a string contains a NUL character.
    @discardableResult
    public func createDataset(_ name: String, strings: [String]) throws -> HDF5Dataset {
        try file.guarded {
            let type = try Datatypes.utf8String()
            return try withExtendedLifetime(type) {
                let dataset = try makeDataset(name, fileType: type.id, dims: [strings.count], chunking: nil)
                guard !strings.isEmpty else { return dataset }
                _ = try Datatypes.withCStringArray(strings, operation: "write strings to '\(name)'") { pointers in
                    try checked("write strings to '\(name)'") {
                        H5Dwrite(dataset.handle.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), pointers)
                    }
                }
                return dataset
            }
        }
    }

    /// Creates an empty 2-D float64 dataset of shape `[0, columns]` whose rows grow with
    /// `HDF5Dataset.append(rows:)`.
    /// - Parameters:
    ///   - columns: row length, at least 1.
    ///   - chunkRows: rows per chunk, at least 1.
    ///   - deflate: shuffle + deflate level 0...9, or nil for no compression.
    /// - Throws: `HDF5Error` on invalid arguments or if `name` already exists.
    public func createExtendableDataset(
        _ name: String, columns: Int, chunkRows: Int = 4096,
        deflate: Int? = 4
    ) throws -> HDF5Dataset {
        let operation = "create extendable dataset '\(name)'"
        guard columns >= 1, chunkRows >= 1 else {
            throw HDF5Error(
                operation: operation, message: "columns (\(columns)) and chunkRows (\(chunkRows)) must be at least 1")
        }
        try Self.validateDeflate(deflate, operation: operation)
        return try file.guarded {
            try makeDataset(
                name, fileType: chdf5_ieee_f64le(), dims: [0, columns],
                maxDims: [chdf5_s_unlimited(), hsize_t(columns)],
                chunking: Chunking(dims: [chunkRows, columns], deflate: deflate))
        }
    }

    /// Opens an existing dataset.
    /// - Throws: `HDF5Error` if `name` is missing or not a dataset.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        try file.guarded {
            let dataset = try Handle(.dataset, owner: file, "open dataset '\(name)'") {
                H5Dopen2(handle.id, name, chdf5_p_default())
            }
            return try HDF5Dataset(handle: dataset, file: file, name: name)
        }
    }

    /// Chunk dimensions and optional deflate level of a chunked dataset.
    struct Chunking {
        var dims: [Int]
        var deflate: Int?
    }

    /// Element count above which `.automatic` storage switches to chunked + deflate.
    static let automaticChunkingThreshold = 16_384
    /// Target chunk size of `.automatic` storage, in bytes.
    static let automaticChunkBytes = 65_536
    /// Deflate level of `.automatic` storage.
    static let automaticDeflateLevel = 4

    private static func validatedShape(_ shape: [Int]?, count: Int, name: String) throws -> [Int] {
        let dims = shape ?? [count]
        let operation = "create dataset '\(name)'"
        guard (1...2).contains(dims.count), dims.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error(
                operation: operation, message: "shape \(dims) must be 1-D or 2-D with non-negative dimensions")
        }
        guard dims.reduce(1, *) == count else {
            throw HDF5Error(
                operation: operation,
                message: "shape \(dims) has \(dims.reduce(1, *)) elements but \(count) values were given")
        }
        return dims
    }

    private static func validateDeflate(_ level: Int?, operation: String) throws {
        if let level, !(0...9).contains(level) {
            throw HDF5Error(operation: operation, message: "deflate level \(level) is not in 0...9")
        }
    }

    /// Resolves `storage` for a fixed-size dataset of shape `dims` (8-byte elements); nil means contiguous.
    private static func chunking(_ storage: HDF5Storage, dims: [Int], name: String) throws -> Chunking? {
        let operation = "create dataset '\(name)'"
        let rowSize = dims.dropFirst().reduce(1, *)
        switch storage {
        case .contiguous:
            return nil
        case .automatic:
            guard dims.reduce(1, *) > automaticChunkingThreshold else { return nil }
            let rows = max(1, min(dims[0], automaticChunkBytes / (MemoryLayout<Double>.size * rowSize)))
            return Chunking(dims: [rows] + dims.dropFirst(), deflate: automaticDeflateLevel)
        case .chunked(let rows, let deflate):
            guard rows >= 1 else {
                throw HDF5Error(operation: operation, message: "chunk rows (\(rows)) must be at least 1")
            }
            guard dims.allSatisfy({ $0 >= 1 }) else {
                throw HDF5Error(operation: operation, message: "chunked storage needs a non-empty shape, got \(dims)")
            }
            try validateDeflate(deflate, operation: operation)
            // Chunks may not exceed a fixed dimension.
            return Chunking(dims: [min(rows, dims[0])] + dims.dropFirst(), deflate: deflate)
        }
    }

    /// Creates a dataset with time tracking off and the given layout.
    private func makeDataset(
        _ name: String, fileType: hid_t, dims: [Int], maxDims: [hsize_t]? = nil,
        chunking: Chunking?
    ) throws -> HDF5Dataset {
        let operation = "create dataset '\(name)'"
        let creation = try Handle(.propertyList, "create dataset-creation property list") {
            H5Pcreate(chdf5_p_dataset_create())
        }
        try checked(operation) { H5Pset_obj_track_times(creation.id, false) }
        if let chunking {
            let chunkDims = chunking.dims.map { hsize_t($0) }
            try checked(operation) { H5Pset_chunk(creation.id, Int32(chunkDims.count), chunkDims) }
            if let level = chunking.deflate {
                // Byte shuffling before deflate compresses float64 data markedly better.
                try checked(operation) { H5Pset_shuffle(creation.id) }
                try checked(operation) { H5Pset_deflate(creation.id, UInt32(level)) }
            }
        }
        let space = try Datatypes.simpleSpace(dims, maxDims: maxDims)
        let dataset = try withExtendedLifetime((creation, space)) {
            try Handle(.dataset, owner: file, operation) {
                H5Dcreate2(handle.id, name, fileType, space.id, chdf5_p_default(), creation.id, chdf5_p_default())
            }
        }
        return try HDF5Dataset(handle: dataset, file: file, name: name)
    }
}
