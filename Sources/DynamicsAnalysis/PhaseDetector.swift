#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Thresholds of the phase detector (see docs/phases.md); each is a pipeline.json key.
public struct PhaseDetectionSettings: Codable, Equatable, Sendable {
    /// Half-width, in decades of t, of the window over which the local slope
    /// `s = d log E_tr / d log t` is fitted by least squares.
    public var slopeWindowDecades: Double
    /// A point is in a fast drop (`transition`) when `s < −fastDropSlope`. The
    /// plateau and the slow stretches have |s| ≲ 0.1, the escape from the plateau reaches s ≈ −5.
    public var fastDropSlope: Double
    /// Converged from the first t after which `‖∇E_tr‖ < gradientTolerance` at every later
    /// point.
    public var gradientTolerance: Double
    /// Runs of equal label (or equal index) shorter than this many grid points are merged into
    /// their predecessor.
    public var minimumSegmentPoints: Int

    /// The values come from `pipeline.json`'s `phases` section, whose schema holds the defaults.
    public init(slopeWindowDecades: Double, fastDropSlope: Double, gradientTolerance: Double, minimumSegmentPoints: Int)
    {
        self.slopeWindowDecades = slopeWindowDecades
        self.fastDropSlope = fastDropSlope
        self.gradientTolerance = gradientTolerance
        self.minimumSegmentPoints = minimumSegmentPoints
    }
}

/// The phases of a learning curve in the saddle–saddle–attractor picture.
public enum LearningPhase: String, Codable, Equatable, Sendable, CaseIterable {
    case plateau, transition, nearOptimalSaddle, approachToAttractor, converged
}

/// One labelled stretch `[startTime, endTime]` of grid points.
public struct PhaseSegment: Codable, Equatable, Sendable {
    public var phase: LearningPhase
    public var startTime: Double
    public var endTime: Double
    public var trainingErrorAtStart: Double
    public var trainingErrorAtEnd: Double
    public var generalizationErrorAtStart: Double
    public var generalizationErrorAtEnd: Double
    /// The smallest `‖∇E_tr‖` over the segment.
    public var minimumGradientNorm: Double
    /// The most frequent Hessian index over the segment (the smaller one on ties).
    public var index: Int
    /// The number of grid points in the segment.
    public var pointCount: Int
}

/// A drop of the (debounced) Hessian index: an escape from a saddle.
public struct IndexDrop: Codable, Equatable, Sendable {
    public var time: Double
    public var fromIndex: Int
    public var toIndex: Int
}

/// The phase decomposition of one learning curve.
public struct PhaseReport: Codable, Equatable, Sendable {
    public var segments: [PhaseSegment]
    /// The early-stopping time `t* = argmin_t E_gen(t)` and `E_gen(t*)`.
    public var earlyStoppingTime: Double
    public var earlyStoppingGeneralizationError: Double
    /// Times where the debounced index decreases.
    public var escapes: [IndexDrop]
    /// First t from which `‖∇E_tr‖ < gradientTolerance` holds to the end; nil if never.
    public var convergenceTime: Double?
    /// The fitted local slopes `d log E_tr / d log t` at the points used (t ≥ 1).
    public var slopes: [Double]
}

/// Why a learning curve cannot be analysed.
public enum PhaseDetectionError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch
    case tooFewPoints(Int)
    case timesNotIncreasing(at: Int)
    case nonPositiveTrainingError(at: Int)

    public var description: String {
        switch self {
        case .lengthMismatch: return "t, E_tr, E_gen, ‖∇E_tr‖ and index arrays differ in length"
        case .tooFewPoints(let n): return "need at least 2 points with t ≥ 1, got \(n)"
        case .timesNotIncreasing(let i): return "times are not strictly increasing at point \(i)"
        case .nonPositiveTrainingError(let i): return "E_tr ≤ 0 or not finite at point \(i)"
        }
    }
}

/// Labels a learning curve on a log time grid with the phases of the saddle–saddle–attractor
/// scenario; the rules are in docs/phases.md.
public enum PhaseDetector {
    /// Detects phases, the early-stopping point, escapes and the convergence time.
    /// - Parameters: equal-length arrays over the time grid; points with t < 1 are ignored.
    /// - Throws: `PhaseDetectionError` on inconsistent input.
    public static func detect(
        time: [Double], trainingError: [Double], generalizationError: [Double],
        gradientNorm: [Double], index: [Int], settings: PhaseDetectionSettings
    ) throws -> PhaseReport {
        let n0 = time.count
        guard trainingError.count == n0, generalizationError.count == n0,
            gradientNorm.count == n0, index.count == n0
        else { throw PhaseDetectionError.lengthMismatch }
        let keep = (0..<n0).filter { time[$0] >= 1 }
        guard keep.count >= 2 else { throw PhaseDetectionError.tooFewPoints(keep.count) }
        let t = keep.map { time[$0] }, e = keep.map { trainingError[$0] }
        let eg = keep.map { generalizationError[$0] }, g = keep.map { gradientNorm[$0] }
        let idx = keep.map { index[$0] }
        let n = t.count
        for i in 1..<n where !(t[i] > t[i - 1]) { throw PhaseDetectionError.timesNotIncreasing(at: keep[i]) }
        for i in 0..<n where !(e[i] > 0 && e[i].isFinite) {
            throw PhaseDetectionError.nonPositiveTrainingError(at: keep[i])
        }

        let slopes = localSlopes(
            logT: t.map { log10($0) }, logE: e.map { log10($0) },
            halfWidth: settings.slopeWindowDecades)

        // Convergence: the start of the final run of points below the gradient tolerance.
        var convergenceStart: Int? = nil
        var i = n - 1
        while i >= 0 && g[i] < settings.gradientTolerance { convergenceStart = i; i -= 1 }

        // Debounced index: short index runs are absorbed into their predecessor.
        let smoothIndex = debounce(idx, minimum: settings.minimumSegmentPoints)

        var labels = [LearningPhase]()
        var dropped = false
        for k in 0..<n {
            let label: LearningPhase
            if let c = convergenceStart, k >= c {
                label = .converged
            } else if slopes[k] < -settings.fastDropSlope {
                label = .transition
                dropped = true
            } else if smoothIndex[k] >= 2 {
                label = .plateau
            } else if smoothIndex[k] == 1 {
                label = dropped ? .nearOptimalSaddle : .plateau
            } else {
                label = .approachToAttractor
            }
            labels.append(label)
        }
        labels = debounce(labels, minimum: settings.minimumSegmentPoints)

        var segments = [PhaseSegment]()
        var start = 0
        for k in 1...n where k == n || labels[k] != labels[start] {
            let range = start..<k
            segments.append(
                PhaseSegment(
                    phase: labels[start], startTime: t[start], endTime: t[k - 1],
                    trainingErrorAtStart: e[start], trainingErrorAtEnd: e[k - 1],
                    generalizationErrorAtStart: eg[start], generalizationErrorAtEnd: eg[k - 1],
                    minimumGradientNorm: range.map { g[$0] }.min()!,
                    index: mode(range.map { idx[$0] }), pointCount: range.count))
            start = k
        }

        var escapes = [IndexDrop]()
        for k in 1..<n where smoothIndex[k] < smoothIndex[k - 1] {
            escapes.append(IndexDrop(time: t[k], fromIndex: smoothIndex[k - 1], toIndex: smoothIndex[k]))
        }
        let best = eg.indices.min { eg[$0] < eg[$1] }!
        return PhaseReport(
            segments: segments, earlyStoppingTime: t[best], earlyStoppingGeneralizationError: eg[best],
            escapes: escapes, convergenceTime: convergenceStart.map { t[$0] }, slopes: slopes)
    }

    /// Least-squares slope of logE against logT over `|logT − logT_k| ≤ halfWidth` at each k
    /// (at least the two nearest neighbours are used, so the slope is always defined).
    package static func localSlopes(logT: [Double], logE: [Double], halfWidth: Double) -> [Double] {
        let n = logT.count
        return (0..<n).map { k in
            var lo = k, hi = k
            while lo > 0 && logT[k] - logT[lo - 1] <= halfWidth + 1e-12 { lo -= 1 }
            while hi < n - 1 && logT[hi + 1] - logT[k] <= halfWidth + 1e-12 { hi += 1 }
            if lo == hi { if k > 0 { lo = k - 1 }; if k < n - 1 { hi = k + 1 } }
            let m = Double(hi - lo + 1)
            var sx = 0.0, sy = 0.0
            for j in lo...hi { sx += logT[j]; sy += logE[j] }
            let mx = sx / m, my = sy / m
            var sxx = 0.0, sxy = 0.0
            for j in lo...hi { sxx += (logT[j] - mx) * (logT[j] - mx); sxy += (logT[j] - mx) * (logE[j] - my) }
            return sxx > 0 ? sxy / sxx : 0
        }
    }

    /// Absorbs runs shorter than `minimum` into the preceding run (the first run into the next),
    /// shortest first, until every run has at least `minimum` points or only one run is left.
    package static func debounce<T: Equatable>(_ values: [T], minimum: Int) -> [T] {
        var runs: [(value: T, count: Int)] = []
        for v in values {
            if let last = runs.last, last.value == v { runs[runs.count - 1].count += 1 } else { runs.append((v, 1)) }
        }
        while runs.count > 1, let shortest = runs.indices.min(by: { runs[$0].count < runs[$1].count }),
            runs[shortest].count < minimum
        {
            let target = shortest > 0 ? shortest - 1 : 1
            runs[target].count += runs[shortest].count
            runs.remove(at: shortest)
            // Coalesce neighbours that now carry the same value.
            var merged: [(value: T, count: Int)] = []
            for r in runs {
                if let last = merged.last, last.value == r.value {
                    merged[merged.count - 1].count += r.count
                } else {
                    merged.append(r)
                }
            }
            runs = merged
        }
        return runs.flatMap { Array(repeating: $0.value, count: $0.count) }
    }

    /// The most frequent value, the smaller one on ties.
    static func mode(_ values: [Int]) -> Int {
        var counts = [Int: Int]()
        for v in values { counts[v, default: 0] += 1 }
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
    }
}
