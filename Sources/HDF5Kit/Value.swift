/// A value stored in an HDF5 attribute: a scalar or a 1-D array.
public enum HDF5Value: Equatable, Sendable {
    /// Variable-length UTF-8 string (h5py reads it as `str`).
    case string(String)
    /// Scalar IEEE float64.
    case double(Double)
    /// Scalar signed 64-bit integer.
    case int64(Int64)
    /// 1-D float64 array.
    case doubles([Double])
    /// 1-D signed 64-bit integer array.
    case int64s([Int64])
}

/// The element type stored in a dataset.
public enum HDF5ElementType: Equatable, Sendable {
    case float64, int64
    /// Unsigned bytes (opaque file contents such as a PNG).
    case uint8
    /// Variable-length string.
    case string
    /// Any other HDF5 type, described (e.g. `"float32"`, `"uint64"`, `"compound"`).
    case other(String)
}

/// Storage layout for a new dataset.
public enum HDF5Storage: Equatable, Sendable {
    /// Contiguous for at most 16_384 elements; otherwise chunked with shuffle + deflate(4),
    /// each chunk made of whole rows and about 64 KiB.
    case automatic
    /// One contiguous block, no compression.
    case contiguous
    /// Chunks of `rows` whole rows (clipped to the row count); shuffle + deflate at `deflate`
    /// (0...9) when non-nil.
    case chunked(rows: Int, deflate: Int?)
}
