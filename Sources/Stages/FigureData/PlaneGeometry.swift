/// A rectangle `[x0, x1] × [y0, y1]` of a parameter plane.
struct PlaneBox {
    var x0, x1, y0, y1: Double

    /// The bounding box of points `(x, y)`, widened on every edge by `margin` times its larger side
    /// (taken as at least 1, so that a nearly still trajectory still gets a readable frame).
    init(points: [(Double, Double)], margin: Double) {
        precondition(!points.isEmpty, "a box needs at least one point")
        x0 = points.map(\.0).min()!
        x1 = points.map(\.0).max()!
        y0 = points.map(\.1).min()!
        y1 = points.map(\.1).max()!
        let pad = margin * max(x1 - x0, y1 - y0, 1)
        x0 -= pad; x1 += pad; y0 -= pad; y1 += pad
    }

    /// The part of the line `a·x + b·y = c` inside the box, as `(x_start, y_start, x_end, y_end)`,
    /// or nil when the line misses it. - Precondition: `(a, b) ≠ (0, 0)`.
    func clip(a: Double, b: Double, c: Double) -> [Double]? {
        precondition(a != 0 || b != 0, "not a line")
        var hits: [(Double, Double)] = []
        if b != 0 {
            for x in [x0, x1] {
                let y = (c - a * x) / b
                if y >= y0 - 1e-12, y <= y1 + 1e-12 { hits.append((x, y)) }
            }
        }
        if a != 0 {
            for y in [y0, y1] {
                let x = (c - b * y) / a
                if x >= x0 - 1e-12, x <= x1 + 1e-12 { hits.append((x, y)) }
            }
        }
        guard let first = hits.min(by: { ($0.0, $0.1) < ($1.0, $1.1) }),
            let last = hits.max(by: { ($0.0, $0.1) < ($1.0, $1.1) }),
            first != last
        else { return nil }
        return [first.0, first.1, last.0, last.1]
    }

    /// The segments of several lines `(a, b, c)` inside the box, row-major `count × 4`.
    func segments(_ lines: [(Double, Double, Double)]) -> [Double] {
        lines.compactMap { clip(a: $0.0, b: $0.1, c: $0.2) }.flatMap { $0 }
    }
}

/// The singular set and the optimal region M projected on the (w_1, w_2) and (v_1, v_2) planes of a
/// width-2 student, as lines `a·x + b·y = c`.
enum PlaneLines {
    /// Singular lines of the w plane: `w_1 = 0`, `w_2 = 0`, `w_1 = w_2`, `w_1 = −w_2`.
    static let singularW: [(Double, Double, Double)] = [(1, 0, 0), (0, 1, 0), (1, -1, 0), (1, 1, 0)]
    /// Singular lines of the v plane: `v_1 = 0`, `v_2 = 0`.
    static let singularV: [(Double, Double, Double)] = [(1, 0, 0), (0, 1, 0)]

    /// Projection of M on the w plane for a one-neuron teacher `v*·tanh(w* x)` and m = 2.
    ///
    /// M's pieces are `{w_1 = w_2 = w*, v_1 + v_2 = v*}`, `{w_1 = w*, v_1 = v*, v_2 = 0, any w_2}`,
    /// `{w_1 = w*, v_1 = v*, w_2 = 0, any v_2}` and their images under permutation and sign flips;
    /// on the w plane they cover exactly the lines `w_i = ±w*`.
    static func optimalW(wStar: Double) -> [(Double, Double, Double)] {
        [(1, 0, wStar), (1, 0, -wStar), (0, 1, wStar), (0, 1, -wStar)]
    }

    /// Projection of M on the v plane (same pieces): the lines `v_i = ±v*` (a zero neuron with
    /// w = 0) and `±v_1 ± v_2 = v*` (both neurons at ±w*, sharing v*).
    static func optimalV(vStar: Double) -> [(Double, Double, Double)] {
        [
            (1, 0, vStar), (1, 0, -vStar), (0, 1, vStar), (0, 1, -vStar),
            (1, 1, vStar), (1, 1, -vStar), (1, -1, vStar), (1, -1, -vStar),
        ]
    }
}
