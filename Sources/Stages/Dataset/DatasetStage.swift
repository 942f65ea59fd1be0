import Foundation
import HDF5Kit
import MLPNumerics
import PipelineCore
import Study

/// Samples (or imports) one dataset: the inputs x, the noisy targets (D_σ) and the clean targets
/// f*(x) (D_0) on the same x.
///
/// One node per dataset of `datasets` and of the sweeps. Settings: the teacher and the source —
/// a sample (n, σ, seed) or a file with the SHA-256 the driver read when planning, so that editing
/// the data file re-runs the node; where the file comes from (`file.source`) is for people and
/// archives and not part of the data. Layout: `DatasetArtifact`.
public enum DatasetStage: Stage {
    public static let name = "dataset"
    public static let summary = "x, noisy targets y and clean targets f*(x) for one dataset"

    /// Encoded like an entry of `datasets`: `{"teacher", "sample": {"n", "sigma", "seed"}}` or
    /// `{"teacher", "file": {"path", "sha256"}}`, so a stale node names `sample.sigma`.
    public struct Settings: Codable, Equatable {
        public var teacher: Network
        public var source: Source

        private enum CodingKeys: String, CodingKey { case teacher, sample, file }
        private struct Sample: Codable { let n: Int, sigma: Double, seed: UInt64 }
        private struct File: Codable { let path: String, sha256: String }

        init(teacher: Network, source: Source) {
            self.teacher = teacher
            self.source = source
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            teacher = try container.decode(Network.self, forKey: .teacher)
            if let file = try container.decodeIfPresent(File.self, forKey: .file) {
                source = .file(path: file.path, sha256: file.sha256)
            } else {
                let sample = try container.decode(Sample.self, forKey: .sample)
                source = .sample(n: sample.n, sigma: sample.sigma, seed: sample.seed)
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(teacher, forKey: .teacher)
            switch source {
            case .sample(let n, let sigma, let seed):
                try container.encode(Sample(n: n, sigma: sigma, seed: seed), forKey: .sample)
            case .file(let path, let sha256): try container.encode(File(path: path, sha256: sha256), forKey: .file)
            }
        }
    }

    public enum Source: Equatable {
        case sample(n: Int, sigma: Double, seed: UInt64)
        /// A two-column text file, with the SHA-256 the driver saw when planning.
        case file(path: String, sha256: String)
    }

    public static func instances(_ config: Configuration) throws -> [NodeSpec<Settings>] {
        try StudyConfig.of(config).datasets.values.sorted { $0.name < $1.name }.map { dataset in
            switch dataset.source {
            case .sample(let n, let sigma, let seed):
                return NodeSpec(
                    instance: dataset.name,
                    settings: Settings(
                        teacher: dataset.teacher,
                        source: .sample(n: n, sigma: sigma, seed: seed)))
            case .file(let path, let url, let origin):
                // The file's bytes, not its path, determine the data: its hash enters the key.
                let hash: String
                do { hash = try Hashing.sha256(fileAt: url) } catch {
                    throw ConfigError(
                        path: "datasets.\(dataset.name).file.path", value: JSONValue.string(path).canonical,
                        message: "data file not found or not readable (looked at \(url.path))")
                }
                return NodeSpec(
                    instance: dataset.name,
                    settings: Settings(
                        teacher: dataset.teacher,
                        source: .file(path: path, sha256: hash)),
                    files: [ExternalFile(path: path, url: url, source: origin)])
            }
        }
    }

    public static func cost(_ node: NodeSpec<Settings>, _ config: Configuration) -> Cost { Cost(seconds: 0.08) }

    public static func run(_ settings: Settings, _ context: StageContext) throws {
        let artifact: DatasetArtifact
        switch settings.source {
        case .sample(let n, let sigma, let seed):
            let data = SampledDataset.sample(n: n, sigma: sigma, seed: seed, teacher: settings.teacher)
            artifact = DatasetArtifact(
                x: data.x, noisy: data.noisy, clean: data.clean, teacher: settings.teacher, sigma: sigma,
                origin: .sample(seed: seed))
        case .file(let path, let expected):
            let url = context.resolve(path)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw StageFailure("cannot read data file \(url.path)")
            }
            let hash = Hashing.sha256(bytes)
            if expected != hash {
                throw StageFailure(
                    "data file \(url.path) changed while the pipeline was planning (sha256 \(hash), expected "
                        + "\(expected))"
                )
            }
            let parsed: (x: [Double], y: [Double])
            do { parsed = try TwoColumnText.parse(String(decoding: bytes, as: UTF8.self)) } catch {
                throw StageFailure("\(url.path): \(error)")
            }
            let data = SampledDataset.imported(x: parsed.x, y: parsed.y, teacher: settings.teacher)
            artifact = DatasetArtifact(
                x: data.x, noisy: data.noisy, clean: data.clean, teacher: settings.teacher,
                sigma: data.noiseRMS, origin: .file(path: path, sha256: hash))
        }
        let writer = try context.makeWriter(stage: name)
        try artifact.write(to: writer.root)
        let hash = try writer.commit()
        if !context.quiet {
            print(
                "dataset: n = \(artifact.x.count), sigma = \(artifact.sigma), content \(hash.prefix(12)) → "
                    + "\(writer.finalURL.path)"
            )
        }
    }
}

extension StudyConfig.Run {
    /// The dataset node the run trains on, `dataset[<dataset>]`.
    public var datasetNode: NodeID { NodeID(stage: DatasetStage.name, instance: dataset) }
}
