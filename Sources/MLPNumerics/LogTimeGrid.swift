#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Integer times `0 ≤ t ≤ T` spaced evenly in `log t`: `0`, then `round(10^{j/P})` for
/// `j = 0, 1, …` while `≤ T`, then `T`; sorted, without duplicates (so it always contains 0, 1
/// and T, and has at most `P·log10(T) + 3` points).
public struct LogTimeGrid: Equatable, Sendable {
    /// The grid times, strictly increasing.
    public let times: [Int]

    /// - Parameters:
    ///   - steps: the last time T ≥ 1.
    ///   - pointsPerDecade: P ≥ 1, the number of grid exponents per factor 10.
    public init(steps: Int, pointsPerDecade: Int) {
        precondition(steps >= 1 && pointsPerDecade >= 1, "need steps ≥ 1 and pointsPerDecade ≥ 1")
        var times = [0]
        var j = 0
        while true {
            let t = Int(pow(10, Double(j) / Double(pointsPerDecade)).rounded())
            if t > steps { break }
            if t != times.last { times.append(t) }
            j += 1
        }
        if times.last != steps { times.append(steps) }
        self.times = times
    }
}
