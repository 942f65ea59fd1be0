import MLPNumerics

/// Named families of parameter points of the width-2 network, θ = (w_1, w_2, v_1, v_2), for the
/// Monte-Carlo Hessian-index test. "Free" coordinates are drawn uniformly from the ranges in
/// `RegionSamplingRanges`; the teacher is one neuron `v* tanh(w* x)`.
public enum RegionFamily: String, Codable, CaseIterable, Sendable {
    /// f ≡ 0: w = (0, 0), v_1, v_2 free in the output range.
    case zeroInputWeights
    /// f ≡ 0: v = (0, 0), w_1, w_2 free in the input range.
    case zeroOutputWeights
    /// f ≡ 0: w_1 = 0 and v_2 = 0, w_2 free (input range), v_1 free (output range).
    case zeroInputAndOutput
    /// Synchronized small weights: w_1 = w_2 = a, v_1 = v_2 = b, a, b free in ±smallMagnitude.
    case synchronizedSmall
    /// Optimal, duplicated neuron: w_1 = w_2 = w*, v_1 = c, v_2 = v* − c, c free (output range).
    case optimalSynchronized
    /// Optimal, dead output: w_1 = w*, v_1 = v*, v_2 = 0, w_2 free (input range).
    case optimalDeadOutput
    /// Optimal, dead input: w_1 = w*, v_1 = v*, w_2 = 0, v_2 free (output range).
    case optimalDeadInput
}

/// Uniform sampling ranges for the free coordinates of the region families.
public struct RegionSamplingRanges: Codable, Equatable, Sendable {
    /// Free input weights are uniform in [−inputRange, inputRange]. Default 3.
    public var inputRange: Double
    /// Free output weights are uniform in [−outputRange, outputRange]. Default 3.
    public var outputRange: Double
    /// `synchronizedSmall` draws a, b uniform in [−smallMagnitude, smallMagnitude]. Default 0.2.
    public var smallMagnitude: Double

    public init(inputRange: Double = 3, outputRange: Double = 3, smallMagnitude: Double = 0.2) {
        self.inputRange = inputRange
        self.outputRange = outputRange
        self.smallMagnitude = smallMagnitude
    }
}

/// Histograms of the Hessian index and zero-eigenvalue count over the samples of one family.
public struct RegionCheckResult: Codable, Equatable, Sendable {
    public var family: RegionFamily
    public var sampleCount: Int
    /// `indexHistogram[k]` = number of samples with exactly k eigenvalues `< −τ` (k = 0…4).
    public var indexHistogram: [Int]
    /// `zeroCountHistogram[k]` = number of samples with exactly k eigenvalues `|λ| ≤ τ`.
    public var zeroCountHistogram: [Int]
}

/// The paper's Monte-Carlo test of saddle indices on named regions (width m = 2).
public enum RegionChecks {
    /// One seeded sample point θ = (w_1, w_2, v_1, v_2) of `family`.
    public static func sample(
        _ family: RegionFamily, teacherW: Double, teacherV: Double,
        ranges: RegionSamplingRanges, rng: inout PortableRandom
    ) -> [Double] {
        func input() -> Double { rng.nextUniform(in: -ranges.inputRange, ranges.inputRange) }
        func output() -> Double { rng.nextUniform(in: -ranges.outputRange, ranges.outputRange) }
        switch family {
        case .zeroInputWeights: return [0, 0, output(), output()]
        case .zeroOutputWeights: return [input(), input(), 0, 0]
        case .zeroInputAndOutput:
            let w2 = input()
            return [0, w2, output(), 0]
        case .synchronizedSmall:
            let a = rng.nextUniform(in: -ranges.smallMagnitude, ranges.smallMagnitude)
            let b = rng.nextUniform(in: -ranges.smallMagnitude, ranges.smallMagnitude)
            return [a, a, b, b]
        case .optimalSynchronized:
            let c = output()
            return [teacherW, teacherW, c, teacherV - c]
        case .optimalDeadOutput: return [teacherW, input(), teacherV, 0]
        case .optimalDeadInput: return [teacherW, 0, teacherV, output()]
        }
    }

    /// Samples `sampleCount` points of `family` and histograms the Hessian index and zero count of
    /// `E_tr` on `data`.
    /// - Parameters:
    ///   - seed: seeds the `PortableRandom` stream (one stream per call).
    ///   - tolerance: eigenvalue classification (see `EigenvalueTolerance`).
    /// - Throws: `SymmetricEigenError` if a Hessian cannot be decomposed.
    public static func check(
        _ family: RegionFamily, on data: TrainingSet, teacherW: Double = 1, teacherV: Double = 2,
        sampleCount: Int, seed: UInt64, ranges: RegionSamplingRanges = .init(),
        tolerance: EigenvalueTolerance = .init()
    ) throws -> RegionCheckResult {
        var rng = PortableRandom(seed: seed)
        var indexHistogram = [Int](repeating: 0, count: 5)
        var zeroHistogram = [Int](repeating: 0, count: 5)
        for _ in 0..<sampleCount {
            let theta = sample(family, teacherW: teacherW, teacherV: teacherV, ranges: ranges, rng: &rng)
            let analysis = try HessianAnalysis(
                network: Network(flat: theta), data: data,
                tolerance: tolerance, alignmentDepth: 0)
            indexHistogram[analysis.index] += 1
            zeroHistogram[analysis.zeroCount] += 1
        }
        return RegionCheckResult(
            family: family, sampleCount: sampleCount,
            indexHistogram: indexHistogram, zeroCountHistogram: zeroHistogram)
    }
}
