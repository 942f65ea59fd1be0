import ArgumentParser
import Artifacts
import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Hessian spectra along one run, its final point refined to a critical point, and region checks.
@main
struct EigenStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-eigen",
        abstract: "Hessian of E_tr along the log grid, the refined final critical point, and Monte-Carlo region checks.",
        discussion: """
        The slice is pipeline.json's "eigen" section plus "targets" (noisy | clean); inputs
        'dataset' (a dataset artifact) and 'train' (a training artifact). See EigenArtifact for the
        output layout.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let settings = try EigenSettings(try stage.parsedSlice())
        let dataset = try DatasetArtifact(try stage.openInput("dataset"))
        let trainFile = try stage.openInput("train")
        let curve = try TrainingArtifact.curve(trainFile)
        let eta = try TrainingArtifact.learningRate(trainFile)
        let final = try TrainingArtifact.final(trainFile)
        let data = dataset.trainingSet(targets: settings.targets)
        let d = 2 * curve.width
        let depth = min(settings.alignmentDepth, d)

        let analyses = try curve.t.indices.map { n in
            try HessianAnalysis(network: curve.network(at: n), data: data, tolerance: settings.tolerance, alignmentDepth: depth)
        }
        let refinement = CriticalPointRefiner.refine(final, on: data, settings: settings.refiner)

        let writer = try stage.makeWriter(stage: "eigen")
        let along = try writer.root.createGroup("along")
        let count = analyses.count
        func describe(_ dataset: HDF5Dataset, _ text: String) throws { try dataset.setAttribute("description", .string(text)) }
        try describe(along.createDataset("t", int64s: curve.t.map { Int64($0) }), "step t of the training artifact's log grid")
        try describe(along.createDataset("eigenvalues", doubles: analyses.flatMap(\.spectrum.values), shape: [count, d]),
                     "eigenvalues of the Hessian of E_tr at theta_t, ascending (units of E_tr per unit theta^2)")
        try describe(along.createDataset("eigenvectors", doubles: analyses.flatMap { $0.spectrum.vectors.flatMap { $0 } }, shape: [count, d * d]),
                     "row n = unit eigenvectors u_1..u_d (each of length d = 2m, in theta's column order), in the order of the eigenvalues; reshape to N x d x d")
        try describe(along.createDataset("index", int64s: analyses.map { Int64($0.index) }),
                     "number of eigenvalues < -tau (escape directions of gradient flow)")
        try describe(along.createDataset("zero_count", int64s: analyses.map { Int64($0.zeroCount) }),
                     "number of eigenvalues with |lambda| <= tau")
        try describe(along.createDataset("tolerance", doubles: analyses.map(\.tolerance)),
                     "tau = zero_tolerance_relative * max(1, max |lambda|)")
        try describe(along.createDataset("grad_norm", doubles: analyses.map(\.gradientNorm)), "Euclidean norm of grad E_tr (analytic)")
        try describe(along.createDataset("alignment", doubles: analyses.flatMap { $0.alignment ?? Array(repeating: .nan, count: depth) },
                                         shape: [count, depth]),
                     "chi_k = |P_k g| / |g|, P_k the projector on the eigenvectors of the k largest eigenvalues, k = 1..K; NaN where g = 0")
        try describe(along.createDataset("stability_threshold", doubles: analyses.map(\.stabilityThreshold)),
                     "2 / lambda_max: GD is linearly stable iff eta < this (+inf if lambda_max <= 0)")
        try describe(along.createDataset("stable", int64s: analyses.map { $0.isStable(stepSize: eta) ? 1 : 0 }),
                     "1 if eta * lambda_max < 2")
        try along.setAttribute("eta", .double(eta))

        let record = CriticalPointRecord(
            label: "final", point: Network(flat: refinement.point), eigenvalues: refinement.analysis?.spectrum.values ?? [],
            index: refinement.analysis?.index ?? -1, zeroCount: refinement.analysis?.zeroCount ?? -1,
            gradientNorm: refinement.gradientNorm, converged: refinement.converged, iterations: refinement.iterations,
            reason: refinement.reason.rawValue, data: data, teacher: dataset.teacher)
        let finalGroup = try writer.root.createGroup("critical").createGroup("final")
        try record.write(to: finalGroup)
        try finalGroup.setAttribute("description", .string("the run's final point theta_T refined by safeguarded Newton on grad E_tr = 0"))

        let regions = try writer.root.createGroup("regions")
        if curve.width == 2, dataset.teacher.width == 1 {
            for (ordinal, family) in RegionFamily.allCases.enumerated() {
                // One stream per family, so adding a family leaves the others' samples unchanged.
                let seed = settings.regionSeed &+ UInt64(ordinal)
                let result = try RegionChecks.check(family, on: data, teacherW: dataset.teacher.w[0], teacherV: dataset.teacher.v[0],
                                                    sampleCount: settings.regionSamples, seed: seed, tolerance: settings.tolerance)
                let group = try regions.createGroup(family.rawValue)
                try describe(group.createDataset("index_histogram", int64s: result.indexHistogram.map { Int64($0) }),
                             "entry k = number of samples with Hessian index k")
                try describe(group.createDataset("zero_count_histogram", int64s: result.zeroCountHistogram.map { Int64($0) }),
                             "entry k = number of samples with k zero eigenvalues")
                try group.setAttribute("sample_count", .int64(Int64(result.sampleCount)))
                try group.setAttribute("seed", .int64(Int64(bitPattern: seed)))
            }
        } else {
            try regions.setAttribute("skipped", .string("region checks are defined for width 2 and a one-neuron teacher (width \(curve.width), teacher width \(dataset.teacher.width))"))
        }
        try writer.commit()
        if !stage.quiet {
            let indices = analyses.map(\.index)
            print("eigen \(settings.targets): \(count) points, index \(indices.first.map(String.init) ?? "-") → \(indices.last.map(String.init) ?? "-"); "
                  + "final refined: index \(record.index), |grad| = \(String(format: "%.3g", record.gradientNorm)), \(record.reason)")
        }
    }
}

/// The eigen slice, read and checked.
struct EigenSettings {
    let targets: String
    let alignmentDepth: Int
    let tolerance: EigenvalueTolerance
    let refiner: CriticalPointRefinerSettings
    let regionSamples: Int
    let regionSeed: UInt64

    init(_ slice: JSONValue) throws {
        let reader = SliceReader(slice)
        targets = try reader.string("targets", oneOf: ["noisy", "clean"])
        alignmentDepth = try reader.int("alignment_depth", "an integer ≥ 1") { $0 >= 1 }
        tolerance = EigenvalueTolerance(relative: try reader.double("zero_tolerance_relative", "a number ≥ 0") { $0 >= 0 })
        refiner = CriticalPointRefinerSettings(
            gradientTolerance: try reader.double("newton_tolerance", "a number > 0") { $0 > 0 },
            maxIterations: try reader.int("newton_max_iterations", "an integer ≥ 0") { $0 >= 0 },
            eigenvalueTolerance: tolerance)
        regionSamples = try reader.int("region_samples", "an integer ≥ 1") { $0 >= 1 }
        regionSeed = UInt64(try reader.int("region_seed", "an integer ≥ 0") { $0 >= 0 })
    }
}
