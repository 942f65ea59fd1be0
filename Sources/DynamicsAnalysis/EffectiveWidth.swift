import MLPNumerics

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// How many distinct neurons a network really uses (Zhang, Saxe & Latham's "effective width"):
/// neurons are grouped modulo sign, dead ones and groups that cancel are not counted.
///
/// With one tolerance τ: unit i is **dead** (a zero unit) when the root mean square of its output
/// `v_i tanh(w_i x_k)` over the inputs is ≤ τ; two live units are **duplicates** when
/// `||w_i| − |w_j|| ≤ τ · max(|w_i|, |w_j|)` (grouped by single linkage on |w|). Since
/// `v tanh(−w x) = −v tanh(w x)`, a group acts as the single neuron `c tanh(|w| x)` with
/// `c = Σ_i sign(w_i) v_i`, and is dead when that neuron's output RMS is ≤ τ. The effective
/// width is the number of live groups.
public struct EffectiveWidth: Equatable, Sendable {
    /// A group of duplicated units acting as one neuron `outputWeight · tanh(inputWeight · x)`.
    public struct Group: Equatable, Sendable {
        /// The units (0-based), ascending.
        public let units: [Int]
        /// The mean |w_i| of the units.
        public let inputWeight: Double
        /// `Σ sign(w_i) v_i`.
        public let outputWeight: Double
        /// Whether the group's output RMS exceeds the tolerance.
        public let alive: Bool
    }

    /// The groups of the live units, by increasing |w|.
    public let groups: [Group]
    /// Units that are dead on their own (zero units), ascending.
    public let deadUnits: [Int]

    /// The number of live groups.
    public var width: Int { groups.filter(\.alive).count }

    /// Groups of two or more units (duplicated neurons), live or not.
    public var duplicatedGroups: [Group] { groups.filter { $0.units.count > 1 } }

    /// The narrower network the point embeds: one neuron per live group (nil when none is live).
    public var reduced: Network? {
        let live = groups.filter(\.alive)
        return live.isEmpty ? nil : Network(w: live.map(\.inputWeight), v: live.map(\.outputWeight))
    }

    /// - Parameters:
    ///   - net: the network.
    ///   - x: the inputs over which outputs are measured.
    ///   - tolerance: τ > 0 (units of f for outputs; relative for |w|).
    public init(_ net: Network, inputs x: [Double], tolerance: Double) {
        precondition(!x.isEmpty && tolerance > 0, "need inputs and a positive tolerance")
        func outputRMS(_ w: Double, _ v: Double) -> Double {
            var sum = 0.0
            for xk in x {
                let out = v * tanh(w * xk)
                sum += out * out
            }
            return (sum / Double(x.count)).squareRoot()
        }
        let m = net.width
        let dead = (0..<m).filter { outputRMS(net.w[$0], net.v[$0]) <= tolerance }
        deadUnits = dead
        let live = (0..<m).filter { !dead.contains($0) }.sorted { abs(net.w[$0]) < abs(net.w[$1]) }
        var clusters: [[Int]] = []
        for i in live {
            if let previous = clusters.last?.last,
                abs(abs(net.w[i]) - abs(net.w[previous])) <= tolerance * max(abs(net.w[i]), abs(net.w[previous]))
            {
                clusters[clusters.count - 1].append(i)
            } else {
                clusters.append([i])
            }
        }
        groups = clusters.map { members in
            let w = members.reduce(0) { $0 + abs(net.w[$1]) } / Double(members.count)
            let c = members.reduce(0) { $0 + (net.w[$1] < 0 ? -net.v[$1] : net.v[$1]) }
            return Group(units: members.sorted(), inputWeight: w, outputWeight: c, alive: outputRMS(w, c) > tolerance)
        }
    }
}
