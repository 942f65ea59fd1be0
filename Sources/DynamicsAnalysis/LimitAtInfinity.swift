import MLPNumerics

/// Where a start goes when some of its parameters diverge: a strict minimum of a face at infinity.
public struct LimitAtInfinity: Sendable, Equatable {
    public let face: Face
    /// ρ* on the face.
    public let parameters: [Double]
    /// The smallest first-order excess of E_tr at the current point over the face
    /// (`Face.boundaryExcess`), > 0.
    public let boundaryExcess: Double
}

/// Locates GD limits at infinity (`LimitSetKind.atInfinity`).
///
/// The class of width-m tanh networks is not closed: a unit can turn linear (w → 0, v w → p), into
/// a step (|w| → ∞), or two units can merge into a derivative unit (w_i, w_j → w̄, v_i = −v_j → ∞);
/// `Face`. A start heading there has E_tr approaching an infimum no finite point attains and a
/// gradient that falls only algebraically, so no budget makes it meet a gradient tolerance. At θ,
/// every face suggested by θ is tried (a unit with `|w| max|x| ≤ linearRegime` may be linear, one
/// with `|w| median|x| ≥ stepRegime` a step, two units with folded weights of opposite-sign v and
/// `min |v| ≥ |v_i + v_j|` a dipole), and the start is located on a face when all of these hold:
/// 1. Levenberg–Marquardt on the face (`FaceObjective`, from `Face.parameters(near: θ)`) reaches a
///    critical point ρ* that is a strict minimum of the face (index 0, no zero eigenvalue);
/// 2. leaving the face costs: every unit at infinity has a positive boundary excess
///    (`Face.boundaryExcess`), so E_tr falls towards the face;
/// 3. θ lies just above ρ*: `0 ≤ E_tr(θ) − E_tr(ρ*) ≤ energyGap` (GD is monotone).
/// Faces are suggested by θ and, when given, by the end of a descent from θ (a start on a nearly flat
/// plateau suggests none yet). Of several faces, the lowest in E_tr is taken. This locates a limit; it does not
/// prove it: the tests continue located starts far beyond their stop and check that E_tr keeps
/// falling towards E_tr(ρ*) and the function towards g(·; ρ*).
public enum LimitsAtInfinity {
    /// A unit with `|w| · max_k |x_k|` up to this may be turning linear.
    public static let linearRegime = 1.0
    /// A unit with `|w| · median_k |x_k|` from this on may be turning into a step (tanh 2 = 0.96).
    public static let stepRegime = 2.0

    /// The faces θ suggests (none when no unit is near infinity).
    public static func candidateFaces(_ net: Network, data: TrainingSet) -> [Face] {
        let m = net.width
        let magnitudes = data.x.map(abs).sorted()
        let reach = magnitudes.last ?? 0, median = magnitudes[magnitudes.count / 2]
        let units = (0..<m).map { Face.folded(net, $0) }
        let single: [[Face.Role]] = units.map { unit in
            var roles: [Face.Role] = [.tanh]
            if unit.w * reach <= linearRegime { roles.append(.linear) }
            if unit.w * median >= stepRegime { roles.append(.step) }
            return roles
        }
        var faces: [Face] = []
        func extend(_ prefix: [Face.Role]) {
            if prefix.count == m {
                let face = Face(roles: prefix)
                if face.isAtInfinity { faces.append(face) }
                return
            }
            for role in single[prefix.count] { extend(prefix + [role]) }
        }
        extend([])
        for i in 0..<m {
            for j in (i + 1)..<m {
                let (a, b) = (units[i].v, units[j].v)
                guard a * b < 0, min(abs(a), abs(b)) >= abs(a + b) else { continue }
                var roles = [Face.Role](repeating: .tanh, count: m)
                roles[i] = .dipole(partner: j)
                roles[j] = .partner
                faces.append(Face(roles: roles))
            }
        }
        return faces
    }

    /// The limit at infinity θ is heading to, as a located `LimitPoint` (kind `.atInfinity`), or
    /// nil when no face meets conditions 1–3.
    /// - Parameters:
    ///   - descent: a Levenberg–Marquardt descent from θ (`LimitSetRefiner.descend`). On a nearly flat
    ///     plateau θ suggests no face yet while the descent is already near one: the faces its end
    ///     suggests are tried too, from its end, when E_tr stays ≤ E_tr(θ) along its path (sampled
    ///     `pathSamples` times per step: θ and the face lie in one sublevel component, which GD from θ
    ///     never leaves).
    public static func locate(
        _ net: Network, known: KnownSets, energyGap: Double, descent: LimitPoint? = nil,
        pathSamples: Int = 8
    ) -> LimitPoint? {
        let value = TrainingError.value(net, on: known.data)
        let slack = 16 * Double.ulpOfOne * max(abs(value), 1e-300)
        // Where the faces are approached from: θ, and the descent's end when it suggests faces.
        var origins: [(near: Network, faces: [Face], path: [[Double]])] = [
            (net, candidateFaces(net, data: known.data), [net.flat])
        ]
        if let descent, let end = descent.path.last {
            let endNetwork = Network(flat: end)
            let faces = candidateFaces(endNetwork, data: known.data)
            if !faces.isEmpty,
                LimitSetCertifier.staysBelow(descent.path, level: value + slack, samples: pathSamples, data: known.data)
            {
                origins.append((endNetwork, faces, descent.path))
            }
        }
        var best: (point: LimitPoint, level: Double)?
        for origin in origins {
            for face in origin.faces {
                let objective = FaceObjective(data: known.data, face: face)
                let lm = LimitSetRefiner.levenbergMarquardt(
                    objective, from: face.parameters(near: origin.near), settings: known.refiner)
                guard lm.converged else { continue }
                let level = objective.value(at: lm.point)
                let gap = value - level
                guard gap >= -slack, gap <= energyGap, level < best?.level ?? .infinity,
                    let analysis = try? HessianAnalysis(
                        objective, at: lm.point, tolerance: known.refiner.eigenvalueTolerance),
                    analysis.index == 0, analysis.zeroCount == 0
                else { continue }
                let excess = face.boundaryExcess(
                    lm.point, residual: objective.residual(at: lm.point), data: known.data, near: origin.near)
                guard excess > 0 else { continue }
                let encoded = face.network(lm.point)
                let point = LimitPoint(
                    kind: .atInfinity, point: encoded, trainingError: level, gradientNorm: analysis.gradientNorm,
                    eigenvalues: analysis.spectrum.values, index: 0, zeroCount: 0, gamma: nil, gammaStable: nil,
                    converged: true, iterations: lm.iterations,
                    method: "Levenberg-Marquardt on the face at infinity \(face)", path: origin.path + [encoded.flat],
                    atInfinity: LimitAtInfinity(face: face, parameters: lm.point, boundaryExcess: excess))
                best = (point, level)
            }
        }
        return best?.point
    }
}
