import DynamicsAnalysis

/// The settings of a stage that trains many starts on a log time grid (`SaddleToSaddleRun`): the saddles
/// and richer stages.
public protocol LogGridRunSettings {
    var eta: Double { get }
    var maxSteps: Int { get }
    var pointsPerDecade: Int { get }
    var gradientTolerance: Double { get }
    var widthTolerance: Double { get }
    var newton: NewtonSettings { get }
}

extension LogGridRunSettings {
    /// The runs' settings.
    public var run: SaddleToSaddleRun.Settings {
        SaddleToSaddleRun.Settings(
            learningRate: eta, maxSteps: maxSteps, pointsPerDecade: pointsPerDecade,
            gradientTolerance: gradientTolerance, widthTolerance: widthTolerance,
            eigenvalueTolerance: newton.eigenvalueTolerance)
    }
}
