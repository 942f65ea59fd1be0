import ArgumentParser
import Artifacts
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Trains one run and records its trajectory and learning curve.
@main
struct TrainStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-train",
        abstract: "Train the student by full-batch GD or online SGD and record θ_t, E_tr, E_gen and ‖∇E_tr‖.",
        discussion: """
        The slice is pipeline.json's "train" section plus "targets" (noisy | clean); the input
        'dataset' is a dataset artifact. See TrainingArtifact for the output layout. A run that
        produces a non-finite value stops with the step and the quantity, and writes nothing.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let slice = try stage.parsedSlice()
        let settings = try TrainingSettings(slice)
        let dataset = try DatasetArtifact(try stage.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let start = try settings.initialPoint()

        let writer = try stage.makeWriter(stage: "train")
        // θ_t before compression: a store too small for it fails now rather than mid-run.
        try writer.requireSpace(Int64(settings.steps / settings.recordEvery + 1) * Int64(2 * settings.width) * 8)
        let trajectoryGroup = try writer.root.createGroup("trajectory")
        let trajectory = try trajectoryGroup.createExtendableDataset("theta", columns: 2 * settings.width)
        try trajectory.setAttribute("stride", .int64(Int64(settings.recordEvery)))
        try trajectory.setAttribute("first_step", .int64(0))
        try trajectory.setAttribute("columns", .string(columnNames(settings.width)))
        try trajectory.setAttribute("description", .string("θ_t at t = 0, k, 2k, ... (k = stride)"))

        let progress = ProgressReporter(label: "train \(settings.targets)", total: settings.steps, style: stage.quiet ? .quiet : .automatic)
        let clock = ContinuousClock()
        let began = clock.now
        let record: TrainingRecord
        do {
            record = try trainer(settings, data).run(from: start, progress: progress, extras: { net in
                [GeneralizationError.value(net, teacher: dataset.teacher)]
            }, trajectory: { chunk in try trajectory.append(rows: chunk.values) })
        } catch let diverged as TrainingDiverged {
            throw StageFailure("training diverged: \(diverged) (η = \(settings.eta)); no artifact written")
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        let log = try writer.root.createGroup("log")
        let points = record.logPoints
        try log.createDataset("t", int64s: points.map { Int64($0.step) }).setAttribute("description", .string("step t (log-spaced grid)"))
        try log.createDataset("theta", doubles: points.flatMap(\.network.flat), shape: [points.count, 2 * settings.width])
            .setAttribute("columns", .string(columnNames(settings.width)))
        try log.createDataset("E_tr", doubles: points.map(\.trainingError)).setAttribute("description", .string("training error (1/n) Σ (f(x_k) − y_k)²"))
        try log.createDataset("E_gen", doubles: points.map { $0.extras[0] }).setAttribute("description", .string("generalization error E_x~N(0,1) (f − f*)², quadrature"))
        try log.createDataset("grad_norm", doubles: points.map(\.gradientNorm)).setAttribute("description", .string("Euclidean norm of ∇E_tr"))

        let final = record.final
        let finalPoint = try lastPoint(points)
        let root = writer.root
        try root.setAttribute("width", .int64(Int64(settings.width)))
        try root.setAttribute("method", .string(settings.method))
        try root.setAttribute("eta", .double(settings.eta))
        try root.setAttribute("steps", .int64(Int64(settings.steps)))
        try root.setAttribute("targets", .string(settings.targets))
        try root.setAttribute("initial_w", .doubles(start.w))
        try root.setAttribute("initial_v", .doubles(start.v))
        try root.setAttribute("final_w", .doubles(final.w))
        try root.setAttribute("final_v", .doubles(final.v))
        try root.setAttribute("final_E_tr", .double(finalPoint.trainingError))
        try root.setAttribute("final_E_gen", .double(finalPoint.extras[0]))
        try root.setAttribute("final_grad_norm", .double(finalPoint.gradientNorm))
        try root.setAttribute("timing_wall_seconds", .double(seconds))
        try root.setAttribute("timing_steps_per_second", .double(Double(settings.steps) / max(seconds, 1e-9)))
        try writer.commit()
        if !stage.quiet {
            print(String(format: "train %@: %d steps in %.2f s (%.0f ns/step); final E_tr = %.6g, E_gen = %.4g, |grad| = %.3g",
                         settings.targets, settings.steps, seconds, seconds / Double(settings.steps) * 1e9,
                         finalPoint.trainingError, finalPoint.extras[0], finalPoint.gradientNorm))
        }
    }

    private func trainer(_ settings: TrainingSettings, _ data: TrainingSet) -> TrainingRun {
        var run = TrainingRun(kernel: GradientDescentKernel(data: data, width: settings.width, learningRate: settings.eta),
                              steps: settings.steps, recordEvery: settings.recordEvery,
                              logTimes: LogTimeGrid(steps: settings.steps, pointsPerDecade: settings.pointsPerDecade).times)
        if settings.method == "sgd" {
            run.online = OnlineGradientDescent(data: data, learningRate: settings.eta, seed: settings.sgdSeed)
        }
        return run
    }

    private func columnNames(_ m: Int) -> String {
        ((1...m).map { "w_\($0)" } + (1...m).map { "v_\($0)" }).joined(separator: ", ")
    }

    private func lastPoint(_ points: [LogPoint]) throws -> LogPoint {
        guard let last = points.last else { throw StageFailure("no log points were recorded") }
        return last
    }
}

/// The train slice, read and checked.
struct TrainingSettings {
    let method: String
    let eta: Double
    let steps: Int
    let width: Int
    let recordEvery: Int
    let pointsPerDecade: Int
    let targets: String
    let sgdSeed: UInt64
    let initial: JSONValue

    init(_ slice: JSONValue) throws {
        let reader = SliceReader(slice)
        method = try reader.string("method", oneOf: ["gd", "sgd"])
        eta = try reader.double("eta", "a finite number > 0") { $0 > 0 }
        steps = try reader.int("steps", "an integer ≥ 1") { $0 >= 1 }
        width = try reader.int("width", "an integer ≥ 1") { $0 >= 1 }
        recordEvery = try reader.int("record_every", "an integer ≥ 1") { $0 >= 1 }
        pointsPerDecade = try reader.int("log_points_per_decade", "an integer ≥ 1") { $0 >= 1 }
        targets = try reader.string("targets", oneOf: ["noisy", "clean"])
        sgdSeed = method == "sgd" ? UInt64(try reader.int("sgd_seed", "an integer ≥ 0") { $0 >= 0 }) : 0
        guard let initial = reader.value("init") else { throw StageFailure("slice key 'init' is missing") }
        self.initial = initial
    }

    /// θ_0: the explicit vectors, or weights drawn i.i.d. from the stated distribution.
    func initialPoint() throws -> Network {
        if initial["kind"]?.stringValue == "random" {
            let scale = initial["scale"]?.doubleValue ?? 1
            var random = PortableRandom(seed: UInt64(initial["seed"]?.intValue ?? 0))
            let normal = initial["distribution"]?.stringValue == "normal"
            let theta = (0..<(2 * width)).map { _ in normal ? scale * random.nextNormal() : random.nextUniform(in: -scale, scale) }
            return Network(flat: theta)
        }
        guard let w = initial["w"]?.doublesValue, let v = initial["v"]?.doublesValue, w.count == width, v.count == width else {
            throw StageFailure("init.w and init.v must both have width = \(width) elements")
        }
        return Network(w: w, v: v)
    }
}
