/// A scalar of a stage's artifact worth comparing between configurations (t*, E_gen(t*), a basin
/// fraction with its interval), declared by the stage beside its module
/// (`Sources/Stages/<Name>/metrics/`) as where the artifact already holds it: metrics are read,
/// never recomputed, and declaring one re-keys nothing (the stage executables do not link it).
public struct MetricDeclaration: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// An attribute: `"@t_star"` on the root, `"critical/final@E_tr"` on a group or dataset.
        case attribute(String)
        /// Every element of a dataset, one value each (`"functions/basin_fraction"`).
        case elements(String)
    }

    public let name: String
    public let description: String
    public let source: Source
    /// Datasets (for elements) or attributes (for an attribute) holding the value's interval.
    public let low: String?
    public let high: String?
    /// Datasets naming each element (`functions/kind`; `cells/n` and `cells/sigma` → `n=25 sigma=0.2`).
    public let labels: [String]

    /// A scalar attribute, optionally with its interval's attributes.
    public static func attribute(
        _ name: String, _ path: String, _ description: String, low: String? = nil, high: String? = nil
    ) -> MetricDeclaration {
        MetricDeclaration(
            name: name, description: description, source: .attribute(path), low: low, high: high, labels: [])
    }

    /// One value per element of a dataset, optionally with interval datasets and per-element labels.
    public static func elements(
        _ name: String, _ path: String, _ description: String, low: String? = nil, high: String? = nil,
        labels: [String] = []
    ) -> MetricDeclaration {
        MetricDeclaration(
            name: name, description: description, source: .elements(path), low: low, high: high, labels: labels)
    }
}
