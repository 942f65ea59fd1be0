import Foundation
import PipelineCore
import PipelineEngine
import StageRegistry
import TestSupport

/// The shipped `pipeline.schema.json`, parsed.
func shippedSchema() throws -> JSONValue {
    try JSONValue.parse(
        try Data(contentsOf: packageRoot.appendingPathComponent("pipeline.schema.json")), source: "schema")
}

/// Validates the configuration file at `path` against the shipped schema.
func loadConfiguration(_ path: URL) throws -> Configuration {
    try Configuration.load(path: path.path, schema: try shippedSchema())
}

/// Plans the configuration file at `path` with every stage, as the driver does (no code identities).
func plan(_ path: URL) throws -> Pipeline {
    let configuration = try loadConfiguration(path)
    return try Pipeline(
        configuration: configuration, stages: StageRegistry.stages, code: FixedCode(),
        store: try configuration.storeDirectory())
}
