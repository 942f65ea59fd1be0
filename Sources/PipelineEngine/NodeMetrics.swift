import Foundation
import PipelineCore

/// The metrics of a configuration's nodes, read from the artifacts of its current keys without
/// running anything: a node that is not fresh has its state and no values.
public struct NodeMetrics {
    public let id: NodeID
    public let state: Pipeline.State
    public let values: [MetricValue]

    /// Every node whose stage declares metrics, in the DAG's order.
    /// - Parameters:
    ///   - declarations: per stage name, what it declares (`StageRegistry.metrics`).
    ///   - evaluations: the pipeline's `status()`, when the caller has it already.
    /// - Throws: `HDF5Error` when a fresh artifact cannot be read.
    public static func of(
        _ pipeline: Pipeline, declarations: [String: [MetricDeclaration]],
        evaluations: [Pipeline.Evaluation]? = nil
    ) throws -> [NodeMetrics] {
        try (evaluations ?? pipeline.status()).compactMap { evaluation in
            guard let declared = declarations[evaluation.id.stage], !declared.isEmpty else { return nil }
            guard evaluation.state == .fresh, let artifact = evaluation.artifact else {
                return NodeMetrics(id: evaluation.id, state: evaluation.state, values: [])
            }
            return NodeMetrics(
                id: evaluation.id, state: .fresh,
                values: try MetricValue.read(declared, node: evaluation.id, artifact: artifact))
        }
    }
}
