import HDF5Kit

/// What a reader needs to plot or reuse an exported array without knowing this program.
struct ArrayMeta {
    /// Axis label, in matplotlib mathtext (e.g. `$E_{\rm tr}$`).
    let label: String
    /// Physical unit, "" when dimensionless.
    let unit: String
    let description: String
}

extension HDF5Group {
    /// Writes a float64 array with its `label`, `unit` and `description` attributes, and appends
    /// its name to the group's `arrays` attribute (HDF5 lists members alphabetically; this keeps
    /// the order in which they were written, e.g. for CSV columns).
    /// - Parameter shape: `[count]` by default, or `[rows, columns]` (row-major values).
    /// - Throws: `HDF5Error` when the name exists or the shape does not match the values.
    func writeArray(_ name: String, _ values: [Double], shape: [Int]? = nil, _ meta: ArrayMeta) throws {
        try describe(try createDataset(name, doubles: values, shape: shape), name, meta)
    }

    /// Writes a UTF-8 string array (e.g. phase labels) with the same attributes as `writeArray`.
    /// - Throws: `HDF5Error` when the name exists.
    func writeStrings(_ name: String, _ values: [String], _ meta: ArrayMeta) throws {
        try describe(try createDataset(name, strings: values), name, meta)
    }

    private func describe(_ dataset: HDF5Dataset, _ name: String, _ meta: ArrayMeta) throws {
        try dataset.setAttribute("label", .string(meta.label))
        try dataset.setAttribute("unit", .string(meta.unit))
        try dataset.setAttribute("description", .string(meta.description))
        var names: [String] = []
        if try hasAttribute("arrays"), case .string(let list) = try attribute("arrays") {
            names = list.split(separator: ",").map(String.init)
        }
        try setAttribute("arrays", .string((names + [name]).joined(separator: ",")))
    }

    /// Creates a panel group with its title.
    func createPanel(_ name: String, title: String) throws -> HDF5Group {
        let group = try createGroup(name)
        try group.setAttribute("title", .string(title))
        return group
    }
}

/// Labels shared by several figures.
enum Meta {
    static let time = ArrayMeta(label: "$t$", unit: "steps", description: "gradient-descent step t")
    static func trainingError(_ run: String) -> ArrayMeta {
        ArrayMeta(
            label: "$E_{\\rm tr}$", unit: "",
            description: "training error (1/n) Σ_k (f(x_k; θ_t) − y_k)² of run '\(run)'")
    }
    static func generalizationError(_ run: String) -> ArrayMeta {
        ArrayMeta(
            label: "$E_{\\rm gen}$", unit: "",
            description: "generalization error E_{x~N(0,1)} (f(x; θ_t) − f*(x))² of run '\(run)', by quadrature")
    }
}
