import Foundation
import MLPNumerics

/// One gradient-descent run of the saddle-to-saddle study (Zhang, Saxe & Latham): the learning
/// curve on a log time grid with the Hessian index and the effective width at every grid point,
/// the exact step at which the run leaves the origin, and an early stop once a minimum is reached.
public struct SaddleToSaddleRun: Sendable {
    /// The log-grid times recorded (the last one is where the run stopped).
    public var t: [Int] = []
    /// Row-major `t.count × 2m`.
    public var theta: [Double] = []
    public var trainingError: [Double] = []
    public var generalizationError: [Double] = []
    public var gradientNorm: [Double] = []
    /// The Hessian index (eigenvalues < −τ) at each grid point.
    public var index: [Int] = []
    /// `EffectiveWidth.width` at each grid point.
    public var effectiveWidth: [Int] = []
    /// The first step t with `E_tr(θ_t) ≤` the escape threshold; nil if never reached.
    public var escapeTime: Int?
    /// Whether the run stopped early at a minimum (gradient below tolerance, index 0).
    public var reachedMinimum = false

    /// An empty record (filled by a reader).
    public init() {}

    /// The network at grid point `i`.
    public func network(at i: Int) -> Network {
        let d = theta.count / max(t.count, 1)
        return Network(flat: Array(theta[(i * d)..<((i + 1) * d)]))
    }

    /// The run's settings.
    public struct Settings: Sendable {
        public var learningRate: Double
        public var maxSteps: Int
        public var pointsPerDecade: Int
        /// Stop at the first grid point with ‖∇E_tr‖ below this and Hessian index 0.
        public var gradientTolerance: Double
        /// τ of `EffectiveWidth`.
        public var widthTolerance: Double
        public var eigenvalueTolerance: EigenvalueTolerance

        public init(
            learningRate: Double, maxSteps: Int, pointsPerDecade: Int, gradientTolerance: Double,
            widthTolerance: Double, eigenvalueTolerance: EigenvalueTolerance
        ) {
            self.learningRate = learningRate
            self.maxSteps = maxSteps
            self.pointsPerDecade = pointsPerDecade
            self.gradientTolerance = gradientTolerance
            self.widthTolerance = widthTolerance
            self.eigenvalueTolerance = eigenvalueTolerance
        }
    }

    /// The escape threshold: half-way in E_tr from the origin (f ≡ 0, E_tr = mean y²) down to
    /// the best width-1 fit's error `widthOneError`. Where exactly it lies between the two only
    /// shifts escape times by a constant, not their slope against log α.
    public static func escapeThreshold(_ data: TrainingSet, widthOneError: Double) -> Double {
        let origin = data.y.reduce(0) { $0 + $1 * $1 } / Double(data.count)
        return (origin + widthOneError) / 2
    }

    /// `s = (1/n) Σ x_k y_k`: at the origin ∇²E_tr has eigenvalues ±2s (a pair per neuron), so
    /// GD leaves it at the rate 2ηs per step and the escape time grows by ln 10 / (2ηs) steps per
    /// decade of smaller initial scale.
    public static func originRate(_ data: TrainingSet) -> Double {
        zip(data.x, data.y).reduce(0) { $0 + $1.0 * $1.1 } / Double(data.count)
    }

    /// Trains from `start` (full-batch GD, the fast kernel; or online SGD with `online`) up to
    /// `settings.maxSteps` steps.
    /// - Throws: `TrainingDiverged` at a non-finite iterate; `SymmetricEigenError` if a Hessian is
    ///   not finite.
    public init(
        start: Network, data: TrainingSet, teacher: Network, escapeThreshold: Double, settings: Settings,
        online: OnlineGradientDescent? = nil
    ) throws {
        let kernel = GradientDescentKernel(data: data, width: start.width, learningRate: settings.learningRate)
        var sampler = online
        func advance(_ net: inout Network, _ steps: Int) -> KernelOutcome {
            sampler != nil ? sampler!.run(&net, steps: steps) : kernel.run(&net, steps: steps)
        }
        var net = start
        var step = 0
        if kernel.evaluate(net).loss <= escapeThreshold { escapeTime = 0 }
        for target in LogTimeGrid(steps: settings.maxSteps, pointsPerDecade: settings.pointsPerDecade).times {
            // Step by step until the escape is seen (its exact step), then in one stretch.
            while step < target && escapeTime == nil {
                if case .diverged(let failure) = advance(&net, 1) { throw failure }
                step += 1
                if kernel.evaluate(net).loss <= escapeThreshold { escapeTime = step }
            }
            if step < target, case .diverged(let failure) = advance(&net, target - step) { throw failure }
            step = target
            let analysis = try HessianAnalysis(
                network: net, data: data, tolerance: settings.eigenvalueTolerance, alignmentDepth: 0)
            t.append(step)
            theta += net.flat
            trainingError.append(TrainingError.value(net, on: data))
            generalizationError.append(GeneralizationError.value(net, teacher: teacher))
            gradientNorm.append(analysis.gradientNorm)
            index.append(analysis.index)
            effectiveWidth.append(EffectiveWidth(net, inputs: data.x, tolerance: settings.widthTolerance).width)
            if step > 0 && analysis.gradientNorm < settings.gradientTolerance && analysis.index == 0 {
                reachedMinimum = true
                break
            }
        }
    }
}

extension SaddleToSaddleRun {
    /// Runs every start in parallel on all cores (each its own kernel of the start's width).
    /// - Returns: per start, its run or the error it stopped with, in the order of `starts`.
    /// - Parameter samplers: per start, online SGD's sampler (nil entries and a nil list: full-batch GD).
    public static func runAll(
        _ starts: [Network], data: TrainingSet, teacher: Network, escapeThreshold: Double,
        settings: Settings, samplers: [OnlineGradientDescent?]? = nil,
        finished: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> [Result<SaddleToSaddleRun, Error>] {
        let results = OutcomeSlots<Result<SaddleToSaddleRun, Error>>(count: starts.count)
        DispatchQueue.concurrentPerform(iterations: starts.count) { i in
            results.store(
                Result {
                    try SaddleToSaddleRun(
                        start: starts[i], data: data, teacher: teacher,
                        escapeThreshold: escapeThreshold, settings: settings, online: samplers?[i])
                }, at: i)
            results.markDone(report: finished)
        }
        return results.values
    }
}
