import DynamicsAnalysis
import HDF5Kit
import MLPNumerics
import Refinement
import Train

/// Figure "trajectories": per run, the (w_1, w_2) and (v_1, v_2) planes with the trajectory (a
/// point every k steps, thinned in log t), the singular lines, the projected optimal region, and
/// the start and end points, and the refined final point with its symmetric images.
enum TrajectoriesFigure {
    static func write(_ runs: [RunInputs], settings: FigureDataSettings, into root: HDF5Group) throws {
        let figure = try root.createPanel("trajectories", title: "Trajectories in the (w_1, w_2) and (v_1, v_2) planes")
        var drawn: [String] = []
        var omitted: [String] = []
        for inputs in runs {
            let width = try inputs.train.root.int("width")
            guard width >= 2 else {
                omitted.append("\(inputs.run.name): width \(width) < 2 has no plane to draw")
                continue
            }
            drawn.append(inputs.run.name)
            let dataset = try inputs.train.root.group("trajectory").dataset("theta")
            let stride = try dataset.int("stride")
            let rows = TrajectorySampling.rows(rowCount: dataset.shape[0], maxPoints: settings.trajectoryMaxPoints)
            let theta = try TrajectorySampling.read(dataset, rows: rows)
            let t = rows.map { Double($0 * stride) }
            let initial = Network(
                w: try inputs.train.root.doubles("initial_w"), v: try inputs.train.root.doubles("initial_v"))
            let final = try TrainingArtifact(reading: inputs.train).final
            let teacher = inputs.dataset.teacher
            // M's projection is drawn only where it is a set of lines: m = 2 and a one-neuron teacher.
            let showOptimal = width == 2 && teacher.width == 1
            let refined = try CriticalPointRecord(reading: try inputs.eigen.root.group("critical").group("final"))
            let runGroup = try figure.createPanel(inputs.run.name, title: inputs.title)
            // The copies are enumerated over the m!·2^m symmetries, which is bounded like the multistart stage's.
            let drawAttractor = refined.converged && width <= Symmetry.maximumEnumeratedWidth
            // A run ending on M (noiseless data) is marked at the point of M it approaches (eigen's final_approach).
            let onManifold = refined.limitSet == LimitSetKind.optimalManifold.rawValue
            try runGroup.setAttribute(
                "attractor",
                .string(
                    !refined.converged
                        ? "not drawn: Newton refinement of the final point did not converge (\(refined.reason), "
                            + "‖∇E_tr‖ = \(refined.gradientNorm))"
                        : !drawAttractor
                            ? "not drawn: enumerating the symmetric copies needs width ≤ "
                                + "\(Symmetry.maximumEnumeratedWidth)"
                            : onManifold
                                ? "the point of M the run approaches (θ_T projected onto M; index \(refined.index), "
                                    + "\(refined.zeroCount) zero eigenvalues) and its distinct images under the "
                                    + "symmetries"
                                : "the refined final point (index \(refined.index), ‖∇E_tr‖ = "
                                    + "\(refined.gradientNorm)) and its distinct images under the symmetries"
                ))
            try runGroup.setAttribute("attractor_kind", .string(onManifold ? "optimal manifold M" : "critical point"))
            try runGroup.setAttribute("stride", .int64(Int64(stride)))
            try runGroup.setAttribute("width", .int64(Int64(width)))
            try runGroup.setAttribute(
                "optimal_region",
                .string(
                    showOptimal
                        ? "projection of M: w plane w_i = ±w*; v plane v_i = ±v*, ±v_1 ± v_2 = v* (w* = "
                            + "\(teacher.w[0]), v* = \(teacher.v[0]))"
                        : "not drawn (its projection is a line set only for m = 2 and a one-neuron teacher)"))
            for (plane, offset) in [("w", 0), ("v", width)] {
                let xs = (0..<rows.count).map { theta[$0 * 2 * width + offset] }
                let ys = (0..<rows.count).map { theta[$0 * 2 * width + offset + 1] }
                let start = plane == "w" ? initial.w : initial.v
                let end = plane == "w" ? final.w : final.v
                let attractor = drawAttractor ? AttractorImages.plane(refined.point, offset: offset) : []
                var points = zip(xs, ys).map { ($0, $1) } + [(start[0], start[1]), (end[0], end[1])] + attractor
                if showOptimal {
                    let star = plane == "w" ? abs(teacher.w[0]) : abs(teacher.v[0])
                    points += [(star, star), (-star, -star)]
                }
                let box = PlaneBox(points: points, margin: settings.planeMargin)
                let panel = try runGroup.createPanel(
                    "\(plane)_plane", title: "\(inputs.title): ($\(plane)_1$, $\(plane)_2$)")
                try panel.setAttribute("xlim", .doubles([box.x0, box.x1]))
                try panel.setAttribute("ylim", .doubles([box.y0, box.y1]))
                try panel.writeArray(
                    "t", t,
                    ArrayMeta(
                        label: "$t$", unit: "steps",
                        description:
                            "step of each point: every \(stride) steps, thinned to ≤ \(settings.trajectoryMaxPoints) "
                            + "points evenly spaced in log t"
                    ))
                try panel.writeArray(
                    "\(plane)_1", xs,
                    ArrayMeta(
                        label: "$\(plane)_1$", unit: "",
                        description: "\(plane == "w" ? "input" : "output") weight of neuron 1 at t"))
                try panel.writeArray(
                    "\(plane)_2", ys,
                    ArrayMeta(
                        label: "$\(plane)_2$", unit: "",
                        description: "\(plane == "w" ? "input" : "output") weight of neuron 2 at t"))
                try panel.writeArray(
                    "initial", Array(start[0..<2]),
                    ArrayMeta(label: "$\\theta_0$", unit: "", description: "(\(plane)_1, \(plane)_2) at t = 0"))
                try panel.writeArray(
                    "final", Array(end[0..<2]),
                    ArrayMeta(
                        label: "$\\theta_T$", unit: "", description: "(\(plane)_1, \(plane)_2) at the last step T"))
                if !attractor.isEmpty {
                    try panel.writeArray(
                        "attractor", attractor.flatMap { [$0.0, $0.1] }, shape: [attractor.count, 2],
                        ArrayMeta(
                            label: "attractor", unit: "",
                            description:
                                "distinct (\(plane)_1, \(plane)_2) of the images g·θ_∞ of "
                                + (onManifold
                                    ? "the point θ_∞ of M the run approaches " : "the refined final point θ_∞ ")
                                + "(index \(refined.index)) under every symmetry g"
                        ))
                }
                try panel.writeSingularSegments(plane: plane, box: box)
                try panel.writeOptimalSegments(
                    plane: plane, box: box, teacher: teacher, shown: showOptimal,
                    description: plane == "w"
                        ? "segments of the projection of M on the w plane: w_i = ±w*"
                        : "segments of the projection of M on the v plane: v_i = ±v* and ±v_1 ± v_2 = v*")
            }
        }
        try figure.setAttribute("runs", .string(drawn.joined(separator: ",")))
        if !omitted.isEmpty { try figure.setAttribute("omitted", .string(omitted.joined(separator: "; "))) }
    }
}
