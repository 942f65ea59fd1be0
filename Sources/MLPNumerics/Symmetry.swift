/// One element of the symmetry group of `f(x; θ) = Σ v_i tanh(w_i x)`: a permutation of the neurons
/// combined with a sign flip `(w_i, v_i) → (−w_i, −v_i)` per neuron. Every element leaves f unchanged.
public struct SymmetryElement: Equatable, Sendable {
    /// Neuron `i` of the image is neuron `permutation[i]` of the argument.
    public let permutation: [Int]
    /// The sign (±1) applied to neuron `i` of the image.
    public let signs: [Double]

    /// - Precondition: `permutation` is a permutation of `0..<m` and every sign is ±1.
    public init(permutation: [Int], signs: [Double]) {
        precondition(permutation.count == signs.count, "permutation and signs must have the same length")
        precondition(permutation.sorted() == Array(0..<permutation.count), "not a permutation of 0..<m")
        precondition(signs.allSatisfy { $0 == 1 || $0 == -1 }, "signs must be ±1")
        self.permutation = permutation
        self.signs = signs
    }

    /// The image `g·θ`: `w'_i = s_i w_{π(i)}`, `v'_i = s_i v_{π(i)}`.
    /// - Precondition: `net.width == permutation.count`.
    public func apply(_ net: Network) -> Network {
        precondition(net.width == permutation.count, "element and network widths differ")
        let w = permutation.indices.map { signs[$0] * net.w[permutation[$0]] }
        let v = permutation.indices.map { signs[$0] * net.v[permutation[$0]] }
        return Network(w: w, v: v)
    }
}

/// The group of neuron permutations × per-neuron sign flips (order `m!·2^m`), a canonical
/// representative of each orbit, and the Euclidean distance between orbits.
public enum Symmetry {
    /// The largest width for which `elements` and `distance` enumerate permutations (7! = 5040).
    public static let maximumEnumeratedWidth = 7

    /// All `m!·2^m` group elements for width m.
    /// - Precondition: `1 ≤ width ≤ maximumEnumeratedWidth`.
    public static func elements(width: Int) -> [SymmetryElement] {
        precondition(width >= 1 && width <= maximumEnumeratedWidth, "width must be in 1...\(maximumEnumeratedWidth)")
        var result: [SymmetryElement] = []
        for permutation in permutations(width) {
            for mask in 0..<(1 << width) {
                let signs = (0..<width).map { (mask >> $0) & 1 == 1 ? -1.0 : 1.0 }
                result.append(SymmetryElement(permutation: permutation, signs: signs))
            }
        }
        return result
    }

    /// The canonical representative of the orbit of `net`.
    ///
    /// Each neuron is flipped so that `w_i > 0`, or `v_i ≥ 0` when `w_i = 0` (zeros are stored as +0);
    /// then neurons are sorted by `(w_i, v_i)` lexicographically ascending. Two networks are in the same
    /// orbit iff their canonical forms are equal.
    public static func canonical(_ net: Network) -> Network {
        var neurons: [(w: Double, v: Double)] = []
        neurons.reserveCapacity(net.width)
        for i in 0..<net.width {
            var (w, v) = (net.w[i], net.v[i])
            if w < 0 || (w == 0 && v < 0) { (w, v) = (-w, -v) }
            // `+ 0` turns −0 into +0, so the representative is bitwise unique.
            neurons.append((w + 0, v + 0))
        }
        neurons.sort { $0.w != $1.w ? $0.w < $1.w : $0.v < $1.v }
        return Network(w: neurons.map(\.w), v: neurons.map(\.v))
    }

    /// The Euclidean distance in θ between the orbits of `a` and `b`: `min_g ‖θ_a − g·θ_b‖`.
    ///
    /// Solved exactly as an assignment problem: with neuron vectors `p_i = (w_i, v_i)` of a and
    /// `q_j` of b, the cost of matching i to j is `c_ij = min(‖p_i − q_j‖², ‖p_i + q_j‖²)` (the best
    /// sign), and the distance is `√(min_π Σ_i c_{i π(i)})`, minimized by brute force over all m!
    /// permutations (the 2^m signs are chosen independently per pair).
    /// - Precondition: equal widths `1 ≤ m ≤ maximumEnumeratedWidth`.
    public static func distance(_ a: Network, _ b: Network) -> Double {
        let m = a.width
        precondition(b.width == m, "networks of different widths")
        precondition(
            m <= maximumEnumeratedWidth, "brute-force assignment is limited to width ≤ \(maximumEnumeratedWidth)")
        var cost = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m {
                let dwMinus = a.w[i] - b.w[j], dvMinus = a.v[i] - b.v[j]
                let dwPlus = a.w[i] + b.w[j], dvPlus = a.v[i] + b.v[j]
                cost[i * m + j] = min(dwMinus * dwMinus + dvMinus * dvMinus, dwPlus * dwPlus + dvPlus * dvPlus)
            }
        }
        var best = Double.infinity
        for permutation in permutations(m) {
            var total = 0.0
            for i in 0..<m { total += cost[i * m + permutation[i]] }
            best = min(best, total)
        }
        return best.squareRoot()
    }

    /// All permutations of `0..<n` (Heap's algorithm).
    static func permutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        var p = Array(0..<n)
        var c = [Int](repeating: 0, count: n)
        result.append(p)
        var i = 0
        while i < n {
            if c[i] < i {
                p.swapAt(i % 2 == 0 ? 0 : c[i], i)
                result.append(p)
                c[i] += 1
                i = 0
            } else {
                c[i] = 0
                i += 1
            }
        }
        return result
    }
}
