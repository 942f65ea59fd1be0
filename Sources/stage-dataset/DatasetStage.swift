import ArgumentParser
import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Samples (or imports) one dataset and writes x, the noisy targets and the clean targets.
@main
struct DatasetStage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stage-dataset",
        abstract: "Build the noisy set D_σ and the clean set D_0 on the same inputs x.",
        discussion: """
        The slice is one entry of pipeline.json's "datasets", e.g.
          {"teacher":{"w":[1],"v":[2]},"sample":{"n":100,"sigma":0.2,"seed":1}}
          {"teacher":{"w":[1],"v":[2]},"file":{"path":"data.dat"}}
        Output datasets: /x, /y_noisy, /y_clean (float64, length n); attributes n, sigma, source,
        seed or source_sha256, teacher_w, teacher_v.
        """
    )

    @OptionGroup var stage: StageOptions

    func run() throws {
        let slice = try stage.parsedSlice()
        let teacher = Network(w: slice["teacher"]?["w"]?.doublesValue ?? [1], v: slice["teacher"]?["v"]?.doublesValue ?? [2])
        let data: SampledDataset
        var attributes: [String: HDF5Value] = [:]
        if let sample = slice["sample"] {
            guard let n = sample["n"]?.intValue, n >= 2, let sigma = sample["sigma"]?.doubleValue, sigma >= 0,
                  let seed = sample["seed"]?.intValue, seed >= 0 else {
                throw StageFailure("slice.sample needs integer n ≥ 2, sigma ≥ 0 and integer seed ≥ 0, got \(sample.canonical)")
            }
            data = .sample(n: n, sigma: sigma, seed: UInt64(seed), teacher: teacher)
            attributes = ["source": .string("sample"), "seed": .int64(Int64(seed)), "sigma": .double(sigma),
                          "generator": .string("xoshiro256** seeded by SplitMix64; Marsaglia polar normals; x first, then noise")]
        } else if let path = slice["file"]?["path"]?.stringValue {
            let url = stage.resolve(path)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw StageFailure("cannot read data file \(url.path)")
            }
            let hash = Hashing.sha256(bytes)
            if let expected = slice["file"]?["sha256"]?.stringValue, expected != hash {
                throw StageFailure("data file \(url.path) changed while the pipeline was planning (sha256 \(hash), expected \(expected))")
            }
            let parsed: (x: [Double], y: [Double])
            do { parsed = try TwoColumnText.parse(String(decoding: bytes, as: UTF8.self)) } catch {
                throw StageFailure("\(url.path): \(error)")
            }
            data = .imported(x: parsed.x, y: parsed.y, teacher: teacher)
            attributes = ["source": .string("file"), "source_path": .string(path), "source_sha256": .string(hash),
                          "sigma": .double(data.noiseRMS),
                          "sigma_note": .string("root-mean-square of y - f*(x) of the imported data")]
        } else {
            throw StageFailure("slice needs 'sample' or 'file'")
        }

        let writer = try stage.makeWriter(stage: "dataset")
        let root = writer.root
        try root.createDataset("x", doubles: data.x).setAttribute("description", .string("inputs x_k"))
        try root.createDataset("y_noisy", doubles: data.noisy).setAttribute("description", .string("noisy targets y_k = f*(x_k) + noise (D_sigma)"))
        try root.createDataset("y_clean", doubles: data.clean).setAttribute("description", .string("clean targets f*(x_k) (D_0)"))
        try root.setAttribute("n", .int64(Int64(data.x.count)))
        try root.setAttribute("teacher_w", .doubles(teacher.w))
        try root.setAttribute("teacher_v", .doubles(teacher.v))
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { try root.setAttribute(name, value) }
        let hash = try writer.commit()
        if !stage.quiet {
            print("dataset: n = \(data.x.count), sigma = \(attributes["sigma"].map { "\($0)" } ?? "?"), content \(hash.prefix(12)) → \(writer.finalURL.path)")
        }
    }
}
