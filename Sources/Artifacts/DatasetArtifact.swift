import HDF5Kit
import MLPNumerics

/// The dataset stage's artifact: `/x`, `/y_noisy`, `/y_clean` and the teacher.
public struct DatasetArtifact {
    public let x: [Double]
    public let noisy: [Double]
    public let clean: [Double]
    public let teacher: Network
    /// σ of a sampled set, or the RMS of y − f*(x) of an imported one.
    public let sigma: Double

    /// Reads a dataset artifact.
    /// - Throws: `HDF5Error` when a dataset or attribute is missing or of the wrong type.
    public init(_ file: HDF5File) throws {
        let root = file.root
        x = try root.dataset("x").readDoubles()
        noisy = try root.dataset("y_noisy").readDoubles()
        clean = try root.dataset("y_clean").readDoubles()
        teacher = Network(w: try root.doubles("teacher_w"), v: try root.doubles("teacher_v"))
        sigma = try root.double("sigma")
    }

    /// The training set of a run: noisy (D_σ) or clean (D_0) targets on the same x.
    public func trainingSet(targets: String) -> TrainingSet {
        TrainingSet(x: x, y: targets == "clean" ? clean : noisy)
    }
}

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
