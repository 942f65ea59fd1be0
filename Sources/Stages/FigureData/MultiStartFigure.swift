import HDF5Kit
import MLPNumerics

/// Figure "multistart": per run, the converged limits of the random starts and the refined cluster
/// points, all in canonical form (modulo symmetry), in the (w_1, w_2) and (v_1, v_2) planes.
enum MultiStartFigure {
    static func write(_ runs: [RunInputs], settings: FigureDataSettings, into root: HDF5Group) throws {
        let figure = try root.createPanel("multistart", title: "Limits of random starts modulo symmetry")
        var drawn: [String] = []
        var omitted: [String] = []
        for inputs in runs {
            let result = try MultiStartArtifact(reading: inputs.multistart)
            let limits = result.starts.filter(\.converged).map { Symmetry.canonical($0.final) }
            // A cluster sits at its leader's limit; its refined point is drawn as the symmetric image
            // nearest to it (canonical forms of nearby points can differ by a swap where w_1 ≈ w_2).
            let clusters = result.clusters.map { Symmetry.canonical(result.starts[$0.leader].final) }
            let refined = zip(result.clusters, clusters).map { nearestImage(of: $0.record.point, to: $1) }
            guard let width = (limits.first ?? clusters.first ?? result.starts.first?.final)?.width, width >= 2, !clusters.isEmpty else {
                omitted.append("\(inputs.run.name): \(clusters.isEmpty ? "no start converged" : "width < 2 has no plane to draw")")
                continue
            }
            drawn.append(inputs.run.name)
            let runGroup = try figure.createPanel(inputs.run.name, title: inputs.title)
            try runGroup.setAttribute("starts", .int64(Int64(result.starts.count)))
            try runGroup.setAttribute("unconverged", .int64(Int64(result.unconvergedCount)))
            try runGroup.setAttribute("diverged", .int64(Int64(result.divergedCount)))
            for (plane, offset) in [("w", 0), ("v", width)] {
                func pair(_ net: Network) -> [Double] { Array(net.flat[offset..<(offset + 2)]) }
                // A refinement that failed can end far away; the frame follows the limits and the converged refinements.
                let framed = limits + clusters + zip(refined, result.clusters).filter { $0.1.record.converged }.map(\.0)
                let points = framed.map(pair).map { ($0[0], $0[1]) }
                let box = PlaneBox(points: points, margin: max(settings.planeMargin, 0.15))
                let panel = try runGroup.createPanel("\(plane)_plane", title: "\(inputs.title): ($\(plane)_1$, $\(plane)_2$), canonical")
                try panel.setAttribute("xlim", .doubles([box.x0, box.x1]))
                try panel.setAttribute("ylim", .doubles([box.y0, box.y1]))
                try panel.writeArray("limits", limits.flatMap(pair), shape: [limits.count, 2],
                                     ArrayMeta(label: "limit", unit: "",
                                               description: "canonical (\(plane)_1, \(plane)_2) of the final point of each converged start (w_i > 0, neurons sorted by w)"))
                try panel.writeArray("clusters", clusters.flatMap(pair), shape: [clusters.count, 2],
                                     ArrayMeta(label: "cluster", unit: "",
                                               description: "canonical (\(plane)_1, \(plane)_2) of each cluster's leader (the start that founded it)"))
                try panel.writeArray("refined_points", refined.flatMap(pair), shape: [refined.count, 2],
                                     ArrayMeta(label: "refined critical point", unit: "",
                                               description: "(\(plane)_1, \(plane)_2) of each cluster's critical point refined by Newton from the leader's limit, as the symmetric image nearest to the leader's canonical limit"))
                try panel.writeArray("count", result.clusters.map { Double($0.count) },
                                     ArrayMeta(label: "count", unit: "starts", description: "number of converged starts in each cluster"))
                try panel.writeArray("index", result.clusters.map { Double($0.record.index) },
                                     ArrayMeta(label: "index", unit: "", description: "number of Hessian eigenvalues < −τ at each cluster's refined point"))
                try panel.writeArray("refined_converged", result.clusters.map { $0.record.converged ? 1 : 0 },
                                     ArrayMeta(label: "refined", unit: "", description: "1 where the cluster's Newton refinement converged, else 0"))
                let singular = box.segments(plane == "w" ? PlaneLines.singularW : PlaneLines.singularV)
                try panel.writeArray("singular_segments", singular, shape: [singular.count / 4, 4],
                                     ArrayMeta(label: "singular set", unit: "", description: plane == "w"
                                         ? "segments (x0, y0, x1, y1) of w_1 = 0, w_2 = 0, w_1 = ±w_2 inside the panel"
                                         : "segments (x0, y0, x1, y1) of v_1 = 0, v_2 = 0 inside the panel"))
            }
        }
        try figure.setAttribute("runs", .string(drawn.joined(separator: ",")))
        if !omitted.isEmpty { try figure.setAttribute("omitted", .string(omitted.joined(separator: "; "))) }
    }

    /// The image g·θ, over every symmetry g, nearest to `target` in the Euclidean norm (the first
    /// such image in `Symmetry.elements` order on ties).
    /// - Precondition: equal widths ≤ `Symmetry.maximumEnumeratedWidth` (the multistart stage's bound).
    static func nearestImage(of point: Network, to target: Network) -> Network {
        let goal = target.flat
        func distance(_ net: Network) -> Double { zip(net.flat, goal).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
        var best = point
        var bestDistance = Double.infinity
        for element in Symmetry.elements(width: point.width) {
            let image = element.apply(point)
            let d = distance(image)
            if d < bestDistance { (best, bestDistance) = (image, d) }
        }
        return best
    }
}
