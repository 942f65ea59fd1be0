import Foundation
import PipelineCore

extension Configuration {
    /// Loads a configuration file and validates it against the schema, defaults filled in.
    /// - Parameters:
    ///   - path: the `pipeline.json` to read.
    ///   - schema: the parsed `pipeline.schema.json`.
    ///   - overrides: `--set` values placed into the document before it is validated.
    /// - Throws: `ConfigError` naming the first offending key and value.
    public static func load(path: String, schema: JSONValue, overrides: [ConfigOverride] = []) throws
        -> Configuration
    {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError(path: "", value: nil, message: "cannot read configuration file \(path)")
        }
        return try load(data, file: url, schema: schema, overrides: overrides)
    }

    /// Validates a configuration's bytes as if read from `file` (relative paths resolve beside it):
    /// a file at a git revision is loaded this way.
    public static func load(_ data: Data, file url: URL, schema: JSONValue, overrides: [ConfigOverride] = []) throws
        -> Configuration
    {
        var raw = try JSONValue.parse(data, source: url.lastPathComponent)
        for override in overrides { raw = try override.apply(to: raw) }
        return Configuration(file: url, document: try SchemaValidator(schema: schema).validate(raw))
    }

    /// The parsed schema of a project.
    /// - Throws: `StoreError` when there is none (exit code 3: the installation is broken, not the
    ///   configuration); `ConfigError` when it is not valid JSON.
    public static func schema(of layout: ProjectLayout) throws -> JSONValue {
        guard let url = layout.schemaURL, let data = FileManager.default.contents(atPath: url.path) else {
            throw StoreError.io(
                "cannot find pipeline.schema.json (project root: \(layout.root?.path ?? "not found"); set "
                    + "MLP_PROJECT_ROOT)"
            )
        }
        return try JSONValue.parse(data, source: "pipeline.schema.json")
    }

    /// The store directory: `store`, resolved against the configuration's directory.
    /// - Throws: `ConfigError` when the key is missing.
    public func storeDirectory() throws -> URL {
        resolve(try string("store"))
    }
}

extension Pipeline {
    /// Loads, validates and plans a configuration file of a project.
    /// - Parameters:
    ///   - overrides: `--set` values; with any, the configuration is a variant that publishes its
    ///     folders under `<store>/variants/<name>/` (`ConfigOverride.variantName`).
    /// - Throws: `ConfigError` (exit code 2) for any invalid key; `StoreError` when the schema is missing.
    public static func load(
        configPath: String, overrides: [ConfigOverride] = [], stages: [StageDefinition], code: CodeVersions,
        layout: ProjectLayout = .current()
    ) throws -> Pipeline {
        let configuration = try Configuration.load(
            path: configPath, schema: try Configuration.schema(of: layout), overrides: overrides)
        return try Pipeline(
            configuration: configuration, stages: stages, code: code, store: try configuration.storeDirectory(),
            variant: overrides.isEmpty ? nil : ConfigOverride.variantName(overrides))
    }
}
