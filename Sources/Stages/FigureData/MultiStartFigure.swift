import DynamicsAnalysis
import HDF5Kit
import MLPNumerics
import MultiStart

/// Figure "multistart": per run, the located limits of the random starts grouped into limit
/// functions (basin fraction and 95 % Wilson interval each), in the (w_1, w_2) and (v_1, v_2)
/// planes. Limits on the embedded line L are drawn at `(w*, w*, γ c*, (1 − γ) c*)` (folded γ ≥ 1/2),
/// on the line v_1 + v_2 = c*, which is drawn with its GD-stable parts and its unstable parts
/// separately (in the w plane L is the point (w*, w*)); other limits in canonical form (w_i ≥ 0,
/// neurons sorted). When M is a set of global minima (noiseless data) its projection is drawn and
/// the run's note says how many converged starts lie on it.
enum MultiStartFigure {
    static func write(_ runs: [RunInputs], settings: FigureDataSettings, into root: HDF5Group) throws {
        let figure = try root.createPanel("multistart", title: "Limit sets and limit functions of random starts")
        var drawn: [String] = []
        var omitted: [String] = []
        for inputs in runs {
            let result = try MultiStartArtifact(reading: inputs.multistart)
            let located = result.starts.indices.filter {
                result.starts[$0].limit != nil && result.starts[$0].function != nil
            }
            guard let width = result.starts.first?.initial.width, width >= 2, !located.isEmpty else {
                omitted.append(
                    "\(inputs.run.name): \(located.isEmpty ? "no start converged" : "width < 2 has no plane to draw")")
                continue
            }
            drawn.append(inputs.run.name)
            let runGroup = try figure.createPanel(inputs.run.name, title: inputs.title)
            let n = result.starts.count
            try runGroup.setAttribute("starts", .int64(Int64(n)))
            try runGroup.setAttribute("unconverged", .int64(Int64(result.unconvergedCount)))
            try runGroup.setAttribute("certified", .int64(Int64(result.certifiedCount)))
            let functions = result.functions
            let onM = located.filter { result.starts[$0].limitKind == LimitSetKind.optimalManifold.rawValue }.count
            let allOnM = onM == located.count && functions.count == 1
            try runGroup.setAttribute(
                "note",
                .string(
                    allOnM
                        ? "all \(onM) converged starts on M (f = f*), \(result.unconvergedCount) not converged"
                        : "\(located.count) of \(n) starts located, \(functions.count) limit function(s), "
                            + "\(result.unconvergedCount) not converged"
                ))
            try runGroup.writeStrings(
                "function_kind", functions.map(\.kind),
                ArrayMeta(
                    label: "limit set", unit: "", description: "kind of limit set of each limit function's members"))
            try runGroup.writeArray(
                "function_count", functions.map { Double($0.count) },
                ArrayMeta(label: "count", unit: "starts", description: "starts whose limit computes the function"))
            try runGroup.writeArray(
                "function_fraction", functions.map(\.basinFraction),
                ArrayMeta(label: "basin fraction", unit: "", description: "count / number of starts"))
            try runGroup.writeArray(
                "function_wilson_low", functions.map(\.wilsonLow),
                ArrayMeta(
                    label: "Wilson low", unit: "",
                    description: "lower end of the 95% Wilson score interval of the basin fraction"))
            try runGroup.writeArray(
                "function_wilson_high", functions.map(\.wilsonHigh),
                ArrayMeta(
                    label: "Wilson high", unit: "",
                    description: "upper end of the 95% Wilson score interval of the basin fraction"))
            try runGroup.writeArray(
                "function_E_gen", functions.map(\.generalizationError),
                ArrayMeta(label: "$E_{\\rm gen}$", unit: "", description: "generalization error of each limit function")
            )
            try runGroup.writeArray(
                "function_index", functions.map { Double($0.index) },
                ArrayMeta(
                    label: "index", unit: "", description: "Hessian index at each function's representative limit"))

            // The drawn image of each located limit.
            let images: [Network] = located.map { i in
                let start = result.starts[i]
                if let gamma = start.gamma, let line = result.line {
                    return Network(w: [line.w, line.w], v: [gamma * line.c, (1 - gamma) * line.c])
                }
                return Symmetry.canonical(start.limit!)
            }
            let lineGammas = located.compactMap { result.starts[$0].gamma }
            let line = result.line.flatMap { width == 2 ? $0 : nil }
            // The line's γ range drawn: the line stage's grid, split into GD-stable and unstable pieces.
            let lineArtifact = inputs.line
            let (g0, g1) = (lineArtifact.grid.first ?? -1, lineArtifact.grid.last ?? 2)
            let pieces = line == nil ? [] : pieces(from: g0, to: g1, stable: result.lineSegments)
            let teacher = inputs.dataset.teacher
            let showOptimal = width == 2 && teacher.width == 1 && onM > 0
            try runGroup.setAttribute(
                "line",
                .string(
                    line.map {
                        String(
                            format:
                                "L: w_1 = w_2 = w* = %.6g, v_1 + v_2 = c* = %.6g; solid: GD-stable (transverse "
                                + "eigenvalue >= 0, lambda_max < 2/eta), dashed: unstable",
                            $0.w, $0.c)
                    }
                        ?? "not drawn (width \(width) or no line)"))

            for (plane, offset) in [("w", 0), ("v", width)] {
                func pair(_ net: Network) -> (Double, Double) { (net.flat[offset], net.flat[offset + 1]) }
                var framed = images.map(pair)
                if let line {
                    framed +=
                        plane == "w"
                        ? [(line.w, line.w)]
                        : ([0, 1] + lineGammas).map { ($0 * line.c, (1 - $0) * line.c) }
                }
                let box = PlaneBox(points: framed, margin: max(settings.planeMargin, 0.15)).squared()
                let panel = try runGroup.createPanel(
                    "\(plane)_plane", title: "\(inputs.title): ($\(plane)_1$, $\(plane)_2$)")
                try panel.setAttribute("xlim", .doubles([box.x0, box.x1]))
                try panel.setAttribute("ylim", .doubles([box.y0, box.y1]))
                try panel.writeArray(
                    "limits", images.flatMap { [pair($0).0, pair($0).1] }, shape: [images.count, 2],
                    ArrayMeta(
                        label: "limit", unit: "",
                        description:
                            "(\(plane)_1, \(plane)_2) of each located limit: on L the point (w*, w*, gamma c*, (1 - "
                            + "gamma) c*) with gamma >= 1/2, else the canonical form of the refined limit"
                    ))
                try panel.writeArray(
                    "limit_function", located.map { Double(result.starts[$0].function!) },
                    ArrayMeta(label: "function", unit: "", description: "limit function of each drawn limit"))
                try panel.writeArray(
                    "limit_stable", located.map { i in result.starts[i].gammaStable.map { $0 ? 1.0 : 0.0 } ?? -1 },
                    ArrayMeta(
                        label: "GD-stable on L", unit: "",
                        description: "1 if the limit lies on L in a GD-stable segment, 0 on L elsewhere, -1 off L"))
                var stable: [Double] = [], unstable: [Double] = []
                if let line, plane == "v" {
                    for piece in pieces {
                        let segment = [
                            piece.range.lowerBound * line.c, (1 - piece.range.lowerBound) * line.c,
                            piece.range.upperBound * line.c, (1 - piece.range.upperBound) * line.c,
                        ]
                        if piece.stable { stable += segment } else { unstable += segment }
                    }
                }
                try panel.writeArray(
                    "line_stable_segments", stable, shape: [stable.count / 4, 4],
                    ArrayMeta(
                        label: "L, GD-stable", unit: "",
                        description:
                            "segments (x0, y0, x1, y1) of the GD-stable parts of L: v_1 = gamma c*, v_2 = (1 - gamma) "
                            + "c*"
                    ))
                try panel.writeArray(
                    "line_unstable_segments", unstable, shape: [unstable.count / 4, 4],
                    ArrayMeta(
                        label: "L, unstable", unit: "",
                        description:
                            "segments of the parts of L that GD leaves (transverse eigenvalue < 0 or lambda_max >= "
                            + "2/eta)"
                    ))
                try panel.writeArray(
                    "line_point", line.map { plane == "w" ? [$0.w, $0.w] : [] } ?? [],
                    ArrayMeta(label: "L", unit: "", description: "the w plane's image (w*, w*) of the whole line L"))
                try panel.writeOptimalSegments(
                    plane: plane, box: box, teacher: teacher, shown: showOptimal,
                    description: "segments of the projection of M (drawn when limits lie on it)")
                try panel.writeSingularSegments(plane: plane, box: box)
            }
        }
        try figure.setAttribute("runs", .string(drawn.joined(separator: ",")))
        if !omitted.isEmpty { try figure.setAttribute("omitted", .string(omitted.joined(separator: "; "))) }
    }

    /// `[lower, upper]` cut into maximal pieces inside or outside the `stable` segments.
    static func pieces(from lower: Double, to upper: Double, stable: [ClosedRange<Double>]) -> [(
        range: ClosedRange<Double>, stable: Bool
    )] {
        guard upper > lower else { return [] }
        var cuts = [lower, upper]
        for segment in stable { cuts += [segment.lowerBound, segment.upperBound].filter { $0 > lower && $0 < upper } }
        cuts = Array(Set(cuts)).sorted()
        var result: [(range: ClosedRange<Double>, stable: Bool)] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            let inside = EmbeddedLine.contains(stable, 0.5 * (a + b))
            if let last = result.last, last.stable == inside, last.range.upperBound == a {
                result[result.count - 1] = (last.range.lowerBound...b, inside)
            } else {
                result.append((a...b, inside))
            }
        }
        return result
    }
}

extension PlaneBox {
    /// The box widened about its centre to a square (equal-aspect panels of equal size).
    func squared() -> PlaneBox {
        var box = self
        let side = max(x1 - x0, y1 - y0)
        let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1))
        (box.x0, box.x1, box.y0, box.y1) = (cx - side / 2, cx + side / 2, cy - side / 2, cy + side / 2)
        return box
    }
}
