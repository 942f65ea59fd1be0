import HDF5Kit
import MLPNumerics

/// The singular set and M's projection as drawn on a parameter plane ("w" or "v") of a panel: the
/// trajectories and multistart figures draw the same lines.
extension HDF5Group {
    /// `singular_segments`: the singular lines of `plane` inside `box`.
    func writeSingularSegments(plane: String, box: PlaneBox) throws {
        let singular = box.segments(plane == "w" ? PlaneLines.singularW : PlaneLines.singularV)
        try writeArray(
            "singular_segments", singular, shape: [singular.count / 4, 4],
            ArrayMeta(
                label: "singular set", unit: "",
                description: plane == "w"
                    ? "segments (x0, y0, x1, y1) of w_1 = 0, w_2 = 0, w_1 = ±w_2 inside the panel"
                    : "segments (x0, y0, x1, y1) of v_1 = 0, v_2 = 0 inside the panel"))
    }

    /// `optimal_segments`: M's projection on `plane` inside `box` for the one-neuron `teacher`, or none
    /// when `shown` is false.
    func writeOptimalSegments(plane: String, box: PlaneBox, teacher: Network, shown: Bool, description: String)
        throws
    {
        let optimal =
            shown
            ? box.segments(
                plane == "w" ? PlaneLines.optimalW(wStar: teacher.w[0]) : PlaneLines.optimalV(vStar: teacher.v[0]))
            : []
        try writeArray(
            "optimal_segments", optimal, shape: [optimal.count / 4, 4],
            ArrayMeta(label: "optimal region $M$ (projection)", unit: "", description: description))
    }
}
