import Foundation

extension HDF5AttributeHolder {
    /// A numeric attribute stored as a scalar or a 1-element vector.
    public func double(_ name: String) throws -> Double {
        switch try attribute(name) {
        case .double(let d): return d
        case .doubles(let ds) where ds.count == 1: return ds[0]
        case .int64(let i): return Double(i)
        default: throw HDF5Error(operation: "read attribute '\(name)'", message: "expected a number")
        }
    }

    /// A numeric vector attribute (a scalar reads as a 1-element vector).
    public func doubles(_ name: String) throws -> [Double] {
        switch try attribute(name) {
        case .doubles(let ds): return ds
        case .double(let d): return [d]
        default: throw HDF5Error(operation: "read attribute '\(name)'", message: "expected a vector of numbers")
        }
    }

    /// An integer attribute.
    public func int(_ name: String) throws -> Int {
        switch try attribute(name) {
        case .int64(let i): return Int(i)
        case .int64s(let xs) where xs.count == 1: return Int(xs[0])
        default: throw HDF5Error(operation: "read attribute '\(name)'", message: "expected an integer")
        }
    }

    /// A string attribute.
    public func string(_ name: String) throws -> String {
        guard case .string(let s) = try attribute(name) else {
            throw HDF5Error(operation: "read attribute '\(name)'", message: "expected a string")
        }
        return s
    }
}
