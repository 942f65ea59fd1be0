import Dataset
import DynamicsAnalysis
import Foundation
import HDF5Kit
import Line
import MLPNumerics
import PipelineCore
import Refinement
import Study

/// The paper's richer case (docs/richer.md): a teacher of k neurons, students of width m > k trained from
/// seeded small random starts by full-batch GD and by online SGD. Per start the analysis chain of a
/// training run — the Hessian index and effective width on a log grid, the phase segments, each plateau's
/// and near-optimal stretch's point and the end refined by Newton and named — and whether the
/// saddle–saddle–attractor scheme appears (`SchemeCheck`). Per node, the fits the scheme is read against:
/// the best width-1 and width-k fits (the teacher's choice: both neurons needed), and the best
/// width-(m − 1) network embedded in width m, by splitting each unit (A_i, where the line is a saddle or a
/// degenerate minimum, its GD-stable part) and by a zero unit.
///
/// A stage of its own, like saddles: one training run per start would bring the whole per-run chain with
/// it; the run's own train/eigen/phases/multistart nodes (one start, and the limits of random starts at
/// width m) are the configuration's runs. One node per run whose targets `richer.run_targets` lists;
/// settings: the `richer` section with the run's width and targets, the line section's width-1 scan, the
/// eigen section's Newton settings, the phase detector's; input `dataset`. Layout: `RicherArtifact`.
public enum RicherStage: Stage {
    public static let name = "richer"
    public static let summary =
        "students of width m from seeded small starts, GD and online SGD: phases, index, named saddles, the "
        + "saddle-saddle-attractor scheme; the teacher's fits and the width-(m-1) embeddings"

    public struct Settings: Codable, Equatable, RunSettings, LogGridRunSettings {
        public var targets: Targets
        public var width: Int
        public var methods: [DescentMethod]
        public var seeds: [UInt64]
        public var initScale: Double
        public var distribution: Distribution
        public var eta: Double
        public var maxSteps: Int
        public var pointsPerDecade: Int
        public var gradientTolerance: Double
        public var widthTolerance: Double
        public var fitStarts: Int
        public var fitScale: Double
        public var line: LineSettings
        public var newton: NewtonSettings
        public var detection: PhaseDetectionSettings

        /// Every (method, seed), methods outer.
        var starts: [(method: DescentMethod, seed: UInt64)] { methods.flatMap { m in seeds.map { (m, $0) } } }
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        let study = try StudyConfig.of(config)
        let runs = try study.runs(selectedBy: "richer.run_targets", in: config)
        if runs.isEmpty { return [] }
        let first = try config.seed("richer.seed"), count = try config.int("richer.seeds")
        let base = Settings(
            targets: .noisy, width: 0, methods: try config.strings("richer.methods").map { try method($0, config) },
            seeds: (0..<UInt64(count)).map { first + $0 }, initScale: try config.double("richer.init_scale"),
            distribution: try config.choice(Distribution.self, "richer.distribution"),
            eta: try config.double("richer.eta"), maxSteps: try config.int("richer.max_steps"),
            pointsPerDecade: try config.int("richer.points_per_decade"),
            gradientTolerance: try config.double("richer.gradient_tolerance"),
            widthTolerance: try config.double("richer.width_tolerance"),
            fitStarts: try config.int("richer.fit_starts"), fitScale: try config.double("richer.fit_scale"),
            line: try LineSettings(config), newton: try NewtonSettings(config),
            detection: try PhaseDetectionSettings(config))
        return try runs.map { run in
            let teacherWidth = study.datasets[run.dataset]?.teacher.width ?? 1
            guard run.width > teacherWidth else {
                throw config.failure(
                    "runs.\(run.name).width",
                    "the richer study needs students wider than the teacher (width \(run.width), teacher width "
                        + "\(teacherWidth))")
            }
            var own = base
            own.width = run.width
            return run.node(own, inputs: ["dataset": run.datasetNode])
        }
    }

    private static func method(_ name: String, _ config: Configuration) throws -> DescentMethod {
        guard let method = DescentMethod(rawValue: name) else {
            throw config.failure("richer.methods", "'\(name)' is not a descent method (gd, sgd)")
        }
        return method
    }

    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost {
        GradientDescentRate.cost(
            steps: Double(node.settings.starts.count) * Double(node.settings.maxSteps), run: node.instance,
            fixedSeconds: 0.5, config: config)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let dataset = try DatasetArtifact(reading: try context.openInput("dataset"))
        let data = dataset.trainingSet(targets: settings.targets)
        let teacher = dataset.teacher
        let fits = try RicherFits(data: data, teacher: teacher, width: settings.width, settings: settings)

        let starts = settings.starts
        let initial = starts.map { start -> Network in
            var random = PortableRandom(seed: start.seed)
            return Network(
                flat: settings.distribution.draw(2 * settings.width, scale: settings.initScale, from: &random))
        }
        let samplers = starts.map { start in
            start.method == .sgd ? OnlineGradientDescent(data: data, learningRate: settings.eta, seed: start.seed) : nil
        }
        let reference = SchemeCheck.Reference(fit: fits.teacherWidth.network, data: data, teacher: teacher)
        let threshold = SaddleToSaddleRun.escapeThreshold(data, widthOneError: fits.widthOne.trainingError)
        let progress = context.progress(
            "richer \(settings.targets.rawValue) m = \(settings.width)", total: starts.count)
        let outcomes = SaddleToSaddleRun.runAll(
            initial, data: data, teacher: teacher, escapeThreshold: threshold, settings: settings.run,
            samplers: samplers, finished: { progress.update($0) })
        progress.finish()
        var results: [RicherArtifact.StartResult] = []
        for (start, outcome) in zip(starts, outcomes) {
            let run: SaddleToSaddleRun
            do { run = try outcome.get() } catch {
                throw StageFailure(
                    "the \(start.method.rawValue) start of seed \(start.seed) failed: \(error); no artifact written")
            }
            let (plateaus, report) = run.refinedPlateaus(
                data: data, detection: settings.detection, refiner: settings.newton.refiner,
                widthTolerance: settings.widthTolerance)
            let check = SchemeCheck(run: run, plateaus: plateaus, report: report, reference: reference)
            results.append(
                RicherArtifact.StartResult(
                    method: start.method, seed: start.seed, run: run, plateaus: plateaus, check: check,
                    teacher: teacher))
        }
        let artifact = RicherArtifact(
            width: settings.width, targets: settings.targets, eta: settings.eta, fits: fits, reference: reference,
            starts: results, teacher: teacher)
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        try writer.commit()
        if !context.quiet {
            for method in settings.methods {
                let ofMethod = results.filter { $0.method == method }
                print(
                    "richer \(settings.targets.rawValue) m = \(settings.width) \(method.rawValue): scheme in "
                        + "\(ofMethod.filter(\.appears).count) of \(ofMethod.count) starts; index sequences "
                        + ofMethod.map { $0.indexSequence.map(String.init).joined(separator: "→") }
                        .joined(separator: ", "))
            }
        }
    }
}
