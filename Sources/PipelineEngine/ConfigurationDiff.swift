import PipelineCore

/// What differs between two configurations: the parameters (effective documents, defaults filled
/// in), and the nodes whose keys differ.
public enum ConfigurationDiff {
    /// A parameter whose value differs; nil on the side where the key is absent.
    public struct Parameter: Equatable {
        public let key: String
        public let left: JSONValue?
        public let right: JSONValue?
    }

    /// A node of either side whose key differs (or that exists on one side only).
    public struct Node: Equatable {
        public let id: NodeID
        /// Its key on each side: nil when the node is absent there, or pending (an input not current).
        public let left: String?
        public let right: String?
        public let onLeft: Bool
        public let onRight: Bool
        /// Why it differs: its own settings, an input that differs, or being on one side only.
        public let reason: String
    }

    /// The leaves (numbers, strings, booleans, arrays) whose values differ, by dotted key, sorted.
    public static func parameters(_ left: JSONValue, _ right: JSONValue) -> [Parameter] {
        var a: [String: JSONValue] = [:]
        var b: [String: JSONValue] = [:]
        flatten(left, "", into: &a)
        flatten(right, "", into: &b)
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : Parameter(key: key, left: a[key], right: b[key])
        }
    }

    private static func flatten(_ value: JSONValue, _ prefix: String, into leaves: inout [String: JSONValue]) {
        guard case .object(let members) = value, !members.isEmpty else {
            leaves[prefix] = value
            return
        }
        for (name, member) in members { flatten(member, prefix.isEmpty ? name : prefix + "." + name, into: &leaves) }
    }

    /// The nodes whose keys differ. Two nodes' keys are compared when both are known (so a changed
    /// input that reproduced the same content leaves its descendants equal); otherwise a node
    /// differs when its settings, its stage's code or its inputs do, or an input differs.
    public static func nodes(
        _ left: Pipeline, _ leftStatus: [Pipeline.Evaluation], _ right: Pipeline, _ rightStatus: [Pipeline.Evaluation]
    ) throws -> [Node] {
        let leftKeys = Dictionary(uniqueKeysWithValues: leftStatus.map { ($0.id, $0.key) })
        let rightKeys = Dictionary(uniqueKeysWithValues: rightStatus.map { ($0.id, $0.key) })
        var differing: Set<NodeID> = []
        var result: [Node] = []
        for node in right.nodes {
            let id = node.id
            guard let other = left.node(id) else {
                differing.insert(id)
                result.append(
                    Node(
                        id: id, left: nil, right: rightKeys[id] ?? nil, onLeft: false, onRight: true,
                        reason: "only on the right"))
                continue
            }
            let keys = (leftKeys[id] ?? nil, rightKeys[id] ?? nil)
            var reason: String?
            if let a = keys.0, let b = keys.1 {
                if a != b { reason = other.slice != node.slice ? "settings" : "inputs or code" }
            } else if other.slice != node.slice {
                reason = "settings"
            } else if other.inputs != node.inputs || node.inputs.values.contains(where: differing.contains) {
                reason = "inputs"
            } else if try left.codeIdentity(of: other.definition) != right.codeIdentity(of: node.definition) {
                reason = "code"
            }
            guard let reason else { continue }
            differing.insert(id)
            result.append(Node(id: id, left: keys.0, right: keys.1, onLeft: true, onRight: true, reason: reason))
        }
        for node in left.nodes where right.node(node.id) == nil {
            result.append(
                Node(
                    id: node.id, left: leftKeys[node.id] ?? nil, right: nil, onLeft: true, onRight: false,
                    reason: "only on the left"))
        }
        return result
    }
}
