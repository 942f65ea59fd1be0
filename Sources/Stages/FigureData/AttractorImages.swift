import MLPNumerics

/// The symmetric copies of a critical point as seen in one parameter plane.
enum AttractorImages {
    /// The distinct points `((g·θ)_{offset}, (g·θ)_{offset+1})` over every symmetry g of width m:
    /// with `offset = 0` the (w_1, w_2) plane, with `offset = m` the (v_1, v_2) plane. Two images
    /// count as one when they differ by at most 1e-12 · max(1, max|θ|) in both coordinates (a
    /// point with w_1 = w_2, say, has coinciding copies).
    /// - Precondition: `2 ≤ m ≤ Symmetry.maximumEnumeratedWidth` and `offset ∈ {0, m}`.
    /// - Returns: the points in the order of `Symmetry.elements(width:)`, first occurrences kept.
    static func plane(_ point: Network, offset: Int) -> [(Double, Double)] {
        let scale = max(1, point.flat.map(abs).max() ?? 0)
        var result: [(Double, Double)] = []
        for element in Symmetry.elements(width: point.width) {
            let image = element.apply(point).flat
            let candidate = (image[offset], image[offset + 1])
            let isNew = !result.contains {
                abs($0.0 - candidate.0) <= 1e-12 * scale && abs($0.1 - candidate.1) <= 1e-12 * scale
            }
            if isNew { result.append(candidate) }
        }
        return result
    }
}
