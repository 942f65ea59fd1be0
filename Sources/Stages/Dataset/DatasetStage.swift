import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore

/// Samples (or imports) one dataset: the inputs x, the noisy targets (D_σ) and the clean targets
/// f*(x) (D_0) on the same x.
///
/// Slice: one entry of `datasets`, e.g. `{"teacher":{"w":[1],"v":[2]},"sample":{"n":100,
/// "sigma":0.2,"seed":1}}` or `{"teacher":…,"file":{"path":"data.dat","sha256":…}}` — the
/// driver adds the file's SHA-256, so editing the data file re-runs the node, and drops
/// `file.source` (where the file comes from: the report and archives show it). Layout:
/// `DatasetArtifact`.
public enum DatasetStage: Stage {
    public static let name = "dataset"
    public static let scope = StageScope.dataset
    public static let summary = "x, noisy targets y and clean targets f*(x) for one dataset"
    public static let configSection: String? = "datasets.*"
    public static let sourcePaths = ["Sources/Stages/Dataset", "Sources/MLPNumerics", "Sources/CVectorMath"]

    public enum Source {
        case sample(n: Int, sigma: Double, seed: UInt64)
        /// A two-column text file, with the SHA-256 the driver saw when planning.
        case file(path: String, sha256: String?)
    }

    public struct Settings {
        public let teacher: Network
        public let source: Source
    }

    public static func node(_ config: PipelineConfig, instance: String) throws -> NodeSpec {
        var slice = config.dataset(instance)!.objectValue!
        // The file's bytes, not its path, determine the data: its hash enters the key. (With both
        // `sample` and `file`, `settings` refuses the slice; nothing to read.)
        if slice["sample"] == nil, let path = slice["file"]?["path"]?.stringValue {
            let url = URL(fileURLWithPath: path, relativeTo: config.baseDirectory).standardizedFileURL
            let hash: String
            do { hash = try Hashing.sha256(fileAt: url) } catch {
                throw ConfigError(path: "datasets.\(instance).file.path", value: JSONValue.string(path).canonical,
                                  message: "data file not found or not readable (looked at \(url.path))")
            }
            var file = slice["file"]!.objectValue!
            file["sha256"] = .string(hash)
            slice["file"] = .object(file)
        }
        // Where the file came from is for people and archives (`file.source`), not part of the data.
        if var file = slice["file"]?.objectValue, file.removeValue(forKey: "source") != nil { slice["file"] = .object(file) }
        return NodeSpec(slice: .object(slice))
    }

    public static func settings(_ slice: SliceReader) throws -> Settings {
        let w = try slice.doubles("teacher.w"), v = try slice.doubles("teacher.v")
        guard w.count == v.count else {
            throw slice.failure("teacher.v", "has \(v.count) element(s) but teacher.w has \(w.count); they must have the same length")
        }
        guard slice.has("sample") != slice.has("file") else {
            throw ConfigError(path: slice.configPath(""), value: slice.slice.brief, message: "give exactly one of 'sample' and 'file'")
        }
        let source: Source = slice.has("sample")
            ? .sample(n: try slice.int("sample.n"), sigma: try slice.double("sample.sigma"), seed: try slice.seed("sample.seed"))
            : .file(path: try slice.string("file.path"), sha256: slice.value("file.sha256")?.stringValue)
        return Settings(teacher: Network(w: w, v: v), source: source)
    }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let artifact: DatasetArtifact
        switch settings.source {
        case .sample(let n, let sigma, let seed):
            let data = SampledDataset.sample(n: n, sigma: sigma, seed: seed, teacher: settings.teacher)
            artifact = DatasetArtifact(x: data.x, noisy: data.noisy, clean: data.clean, teacher: settings.teacher, sigma: sigma,
                                       origin: .sample(seed: seed))
        case .file(let path, let expected):
            let url = context.resolve(path)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw StageFailure("cannot read data file \(url.path)")
            }
            let hash = Hashing.sha256(bytes)
            if let expected, expected != hash {
                throw StageFailure("data file \(url.path) changed while the pipeline was planning (sha256 \(hash), expected \(expected))")
            }
            let parsed: (x: [Double], y: [Double])
            do { parsed = try TwoColumnText.parse(String(decoding: bytes, as: UTF8.self)) } catch {
                throw StageFailure("\(url.path): \(error)")
            }
            let data = SampledDataset.imported(x: parsed.x, y: parsed.y, teacher: settings.teacher)
            artifact = DatasetArtifact(x: data.x, noisy: data.noisy, clean: data.clean, teacher: settings.teacher,
                                       sigma: data.noiseRMS, origin: .file(path: path, sha256: hash))
        }
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        let hash = try writer.commit()
        if !context.quiet {
            print("dataset: n = \(artifact.x.count), sigma = \(artifact.sigma), content \(hash.prefix(12)) → \(writer.finalURL.path)")
        }
    }
}
