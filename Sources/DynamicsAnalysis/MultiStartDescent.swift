import Dispatch
import Foundation
import MLPNumerics

/// How one gradient-descent start ended.
public struct DescentOutcome: Equatable, Sendable {
    /// The last iterate (after a divergence, the last finite one).
    public var final: Network
    /// Steps taken.
    public var steps: Int
    /// `‖∇E_tr‖ < gradientTolerance` at a check.
    public var converged: Bool
    /// The divergence, if a non-finite value appeared.
    public var diverged: TrainingDiverged?
    /// `E_tr` and `‖∇E_tr‖` at `final` (from the kernel's own evaluation).
    public var trainingError: Double
    public var gradientNorm: Double
}

/// Full-batch GD from many starts until convergence or a step budget, in parallel.
public enum MultiStartDescent {
    /// Runs GD from one start: checks `‖∇E_tr‖` at step 0 and after every `checkInterval` steps,
    /// stopping at the first check below `gradientTolerance` or when `maxSteps` are done.
    /// - Parameters:
    ///   - kernel: the GD kernel (data, width, η).
    ///   - start: θ_0, of the kernel's width.
    ///   - maxSteps: the step budget ≥ 0.
    ///   - gradientTolerance: convergence threshold on `‖∇E_tr‖₂`.
    ///   - checkInterval: steps between checks, ≥ 1 (the last chunk is cut to the budget).
    /// - Returns: the outcome; `steps` is a multiple of `checkInterval` unless the budget cut it.
    public static func descend(
        _ kernel: GradientDescentKernel, from start: Network, maxSteps: Int,
        gradientTolerance: Double, checkInterval: Int
    ) -> DescentOutcome {
        descend(
            kernel, from: start, maxSteps: maxSteps, gradientTolerance: gradientTolerance, checkInterval: checkInterval,
            certify: { (_: Network, _: KernelEvaluation) -> Never? in nil }
        ).outcome
    }

    /// `descend` with an early stop: at every check that does not meet the gradient tolerance,
    /// `certify(θ, evaluation)` is asked whether the start's limit set is already certain; the
    /// first non-nil answer stops the start (`converged` stays false, the certificate says where it
    /// goes).
    public static func descend<C>(
        _ kernel: GradientDescentKernel, from start: Network, maxSteps: Int,
        gradientTolerance: Double, checkInterval: Int,
        certify: (Network, KernelEvaluation) -> C?
    ) -> (outcome: DescentOutcome, certificate: C?) {
        precondition(checkInterval >= 1 && maxSteps >= 0, "checkInterval ≥ 1 and maxSteps ≥ 0 required")
        var theta = start
        var steps = 0
        var evaluation = kernel.evaluate(theta)
        while !(evaluation.gradientNorm < gradientTolerance) && steps < maxSteps {
            if let certificate = certify(theta, evaluation) {
                return (
                    DescentOutcome(
                        final: theta, steps: steps, converged: false, diverged: nil,
                        trainingError: evaluation.loss, gradientNorm: evaluation.gradientNorm), certificate
                )
            }
            let chunk = min(checkInterval, maxSteps - steps)
            if case .diverged(let failure) = kernel.run(&theta, steps: chunk) {
                let last = kernel.evaluate(theta)
                return (
                    DescentOutcome(
                        final: theta, steps: failure.step, converged: false, diverged: failure,
                        trainingError: last.loss, gradientNorm: last.gradientNorm), nil
                )
            }
            steps += chunk
            evaluation = kernel.evaluate(theta)
        }
        return (
            DescentOutcome(
                final: theta, steps: steps, converged: evaluation.gradientNorm < gradientTolerance,
                diverged: nil, trainingError: evaluation.loss, gradientNorm: evaluation.gradientNorm), nil
        )
    }

    /// `descend` from every start, the starts spread over all cores; results in start order and
    /// identical to a sequential loop (each start is independent and deterministic).
    /// - Parameter finished: called with the number of starts done so far, serialised (never
    ///   concurrently), after each start.
    public static func descend(
        _ kernel: GradientDescentKernel, from starts: [Network], maxSteps: Int,
        gradientTolerance: Double, checkInterval: Int,
        finished: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> [DescentOutcome] {
        descend(
            kernel, from: starts, maxSteps: maxSteps, gradientTolerance: gradientTolerance,
            checkInterval: checkInterval,
            certifier: { { (_: Network, _: KernelEvaluation) -> Int? in nil } }, finished: finished
        ).map(\.outcome)
    }

    /// The parallel `descend` with an early stop per start; `certifier()` makes each start's own
    /// certify function (which may keep state across the checks of its start).
    public static func descend<C: Sendable>(
        _ kernel: GradientDescentKernel, from starts: [Network], maxSteps: Int,
        gradientTolerance: Double, checkInterval: Int,
        certifier: @escaping @Sendable () -> ((Network, KernelEvaluation) -> C?),
        finished: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> [(outcome: DescentOutcome, certificate: C?)] {
        let results = OutcomeSlots<(outcome: DescentOutcome, certificate: C?)>(count: starts.count)
        DispatchQueue.concurrentPerform(iterations: starts.count) { i in
            results.store(
                descend(
                    kernel, from: starts[i], maxSteps: maxSteps, gradientTolerance: gradientTolerance,
                    checkInterval: checkInterval, certify: certifier()), at: i)
            results.markDone(report: finished)
        }
        return results.values
    }
}
