/// One block of neurons in an affine piece of the optimal region (see `Regions.optimalRegion`).
public enum OptimalRegionBlock: Equatable, Sendable {
    /// `w_i = s_i w*` and `Σ s_i v_i = v*`: together these neurons reproduce the teacher.
    case teacher(neurons: [Int], signs: [Double])
    /// `w_i = s_i u` for one free u and `Σ s_i v_i = 0`: these neurons cancel. A single neuron means `v_i = 0`.
    case cancelling(neurons: [Int], signs: [Double])
    /// `w_i = 0` with `v_i` free: the neuron is silent.
    case silent(neuron: Int)
}

/// The distance from θ to the optimal region, the nearest point and the piece it lies on.
public struct OptimalRegionProjection: Equatable, Sendable {
    /// `dist(θ, M)`.
    public let distance: Double
    /// A nearest point of M (the orthogonal projection onto the nearest affine piece).
    public let nearest: Network
    /// The nearest affine piece: a partition of the neurons into one `.teacher` block and zero-function blocks.
    public let blocks: [OptimalRegionBlock]
}

extension Regions {
    /// The largest width handled by `optimalRegion` (its cost grows like 3^m).
    public static let maximumOptimalRegionWidth = 12

    /// The Euclidean distance from `net` to the optimal region `M = {θ : f(·; θ) ≡ f*}` of a
    /// one-neuron teacher `f*(x) = v* tanh(w* x)`.
    ///
    /// Because the functions `tanh(a x)`, a > 0, are linearly independent, `f ≡ f*` iff, after grouping
    /// neurons by `|w_i|`, the group at `|w*|` has `Σ s_i v_i = v*` (`s_i = sign(w_i w*)`) and every
    /// other group with `|w_i| > 0` has `Σ sign(w_i) v_i = 0`. So M is exactly the union of the affine
    /// pieces given by a partition of the neurons into one nonempty `.teacher` block, `.silent`
    /// neurons and `.cancelling` blocks (any size ≥ 1, with signs) — this includes the cancelling
    /// pairs and larger groups that exist for m ≥ 3. The squared distance to a piece is the sum over
    /// its blocks of the distance to each block's constraints (they involve disjoint coordinates), so
    /// the minimum over all pieces is found exactly by dynamic programming over neuron subsets.
    /// - Parameters:
    ///   - net: the point θ.
    ///   - teacher: the one-neuron teacher (w*, v*).
    /// - Returns: `dist(θ, M)`, the orthogonal projection onto the nearest piece, and that piece.
    /// - Precondition: `teacher.width == 1`, `w* ≠ 0`, `v* ≠ 0` (otherwise f* ≡ 0), and
    ///   `net.width ≤ maximumOptimalRegionWidth`.
    public static func optimalRegion(_ net: Network, teacher: Network) -> OptimalRegionProjection {
        precondition(teacher.width == 1, "the optimal region is implemented for a one-neuron teacher")
        let wStar = teacher.w[0], vStar = teacher.v[0]
        precondition(wStar != 0 && vStar != 0, "the teacher must be a nonzero function")
        let m = net.width
        precondition(m <= maximumOptimalRegionWidth, "width must be ≤ \(maximumOptimalRegionWidth)")
        let full = (1 << m) - 1

        // Best block of each kind on each neuron subset: squared distance and the block.
        var teacherCost = [Double](repeating: .infinity, count: full + 1)
        var teacherBlock = [OptimalRegionBlock?](repeating: nil, count: full + 1)
        var zeroCost = [Double](repeating: .infinity, count: full + 1)
        var zeroBlock = [OptimalRegionBlock?](repeating: nil, count: full + 1)
        for mask in 1...full {
            let neurons = (0..<m).filter { mask & (1 << $0) != 0 }
            let k = Double(neurons.count)
            for signMask in 0..<(1 << neurons.count) {
                let signs = neurons.indices.map { signMask & (1 << $0) != 0 ? -1.0 : 1.0 }
                var wCost = 0.0, signedV = 0.0
                for (s, i) in zip(signs, neurons) {
                    wCost += (net.w[i] - s * wStar) * (net.w[i] - s * wStar)
                    signedV += s * net.v[i]
                }
                let cost = wCost + (signedV - vStar) * (signedV - vStar) / k
                if cost < teacherCost[mask] {
                    teacherCost[mask] = cost
                    teacherBlock[mask] = .teacher(neurons: neurons, signs: signs)
                }
                // A cancelling block is invariant under flipping all its signs: fix the first to +1.
                if signs[0] == 1 {
                    var u = 0.0
                    for (s, i) in zip(signs, neurons) { u += s * net.w[i] }
                    u /= k
                    var lineCost = 0.0
                    for (s, i) in zip(signs, neurons) { lineCost += (net.w[i] - s * u) * (net.w[i] - s * u) }
                    let cancelCost = lineCost + signedV * signedV / k
                    if cancelCost < zeroCost[mask] {
                        zeroCost[mask] = cancelCost
                        zeroBlock[mask] = .cancelling(neurons: neurons, signs: signs)
                    }
                }
            }
            if neurons.count == 1 {
                let i = neurons[0]
                if net.w[i] * net.w[i] < zeroCost[mask] {
                    zeroCost[mask] = net.w[i] * net.w[i]
                    zeroBlock[mask] = .silent(neuron: i)
                }
            }
        }

        // bestZero[R]: the cheapest partition of R into zero-function blocks; split[R] its first block.
        var bestZero = [Double](repeating: .infinity, count: full + 1)
        var split = [Int](repeating: 0, count: full + 1)
        bestZero[0] = 0
        for mask in 1...full {
            let lowest = mask & -mask
            // Enumerate submasks containing the lowest neuron, so each partition is counted once.
            var sub = mask
            while sub > 0 {
                if sub & lowest != 0 {
                    let cost = zeroCost[sub] + bestZero[mask ^ sub]
                    if cost < bestZero[mask] { (bestZero[mask], split[mask]) = (cost, sub) }
                }
                sub = (sub - 1) & mask
            }
        }
        var bestCost = Double.infinity
        var bestTeacher = full
        for t in 1...full {
            let cost = teacherCost[t] + bestZero[full ^ t]
            if cost < bestCost { (bestCost, bestTeacher) = (cost, t) }
        }

        var blocks: [OptimalRegionBlock] = [teacherBlock[bestTeacher]!]
        var rest = full ^ bestTeacher
        while rest != 0 {
            blocks.append(zeroBlock[split[rest]]!)
            rest ^= split[rest]
        }
        let nearest = project(net, onto: blocks, wStar: wStar, vStar: vStar)
        return OptimalRegionProjection(distance: bestCost.squareRoot(), nearest: nearest, blocks: blocks)
    }

    /// The orthogonal projection of `net` onto the affine piece described by `blocks`.
    static func project(_ net: Network, onto blocks: [OptimalRegionBlock], wStar: Double, vStar: Double) -> Network {
        var p = net
        for block in blocks {
            switch block {
            case .teacher(let neurons, let signs), .cancelling(let neurons, let signs):
                let isTeacher: Bool
                if case .teacher = block { isTeacher = true } else { isTeacher = false }
                let k = Double(neurons.count)
                var u = 0.0, signedV = 0.0
                for (s, i) in zip(signs, neurons) {
                    u += s * net.w[i]
                    signedV += s * net.v[i]
                }
                u = isTeacher ? wStar : u / k
                // Project v onto the hyperplane Σ s_i v_i = target along its normal s.
                let excess = (signedV - (isTeacher ? vStar : 0)) / k
                for (s, i) in zip(signs, neurons) {
                    p.w[i] = s * u
                    p.v[i] = net.v[i] - s * excess
                }
            case .silent(let i):
                p.w[i] = 0
            }
        }
        return p
    }
}
