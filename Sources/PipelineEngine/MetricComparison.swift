import PipelineCore

/// One metric of one node on both sides of a comparison.
public struct MetricComparison {
    public let node: NodeID
    public let name: String
    public let label: String
    public let left: MetricValue?
    public let right: MetricValue?
    /// The node's state on each side (nil: the side has no such node).
    public let leftState: Pipeline.State?
    public let rightState: Pipeline.State?

    /// Right minus left, for two numbers.
    public var change: Double? {
        guard let a = left?.value.doubleValue, let b = right?.value.doubleValue else { return nil }
        return b - a
    }

    /// The change as text: the difference and the relative change, "=" when equal, "changed" for
    /// other values, "" when a side has no value.
    public var changeText: String {
        guard let left, let right else { return "" }
        if left.value == right.value, left.low == right.low, left.high == right.high { return "=" }
        guard let change, let a = left.value.doubleValue else { return "changed" }
        let sign = change > 0 ? "+" : ""
        let relative = a != 0 && a.isFinite ? " (\(sign)\(MetricValue.format(.number(100 * change / abs(a))))%)" : ""
        return sign + MetricValue.format(.number(change)) + relative
    }

    /// A side's cell: the value, or the node's state when it is not fresh.
    public static func cell(_ value: MetricValue?, _ state: Pipeline.State?) -> String {
        if let value { return value.text }
        guard let state else { return "(no node)" }
        return state == .fresh ? "—" : "(\(state.rawValue))"
    }

    public var json: JSONValue {
        func side(_ value: MetricValue?, _ state: Pipeline.State?) -> JSONValue {
            guard let value else { return .object(["state": state.map { .string($0.rawValue) } ?? .null]) }
            guard case .object(var members) = value.json else { return .null }
            members["state"] = .string("fresh")
            for name in ["node", "metric", "label"] { members[name] = nil }
            return .object(members)
        }
        return .object([
            "node": .string(node.description), "metric": .string(name), "label": .string(label),
            "left": side(left, leftState), "right": side(right, rightState),
            "change": change.map { $0.isFinite ? .number($0) : .null } ?? .null,
        ])
    }

    /// Every metric of either side, matched by node and name, in the right side's order.
    public static func pair(_ left: [NodeMetrics], _ right: [NodeMetrics]) -> [MetricComparison] {
        let leftByNode = Dictionary(uniqueKeysWithValues: left.map { ($0.id, $0) })
        let rightByNode = Dictionary(uniqueKeysWithValues: right.map { ($0.id, $0) })
        var order = right.map(\.id)
        order += left.map(\.id).filter { rightByNode[$0] == nil }
        var rows: [MetricComparison] = []
        for id in order {
            let a = leftByNode[id]
            let b = rightByNode[id]
            var names = (b?.values ?? []).map(\.name)
            names += (a?.values ?? []).map(\.name).filter { !names.contains($0) }
            let leftValues = Dictionary((a?.values ?? []).map { ($0.name, $0) }) { first, _ in first }
            let rightValues = Dictionary((b?.values ?? []).map { ($0.name, $0) }) { first, _ in first }
            if names.isEmpty {
                rows.append(
                    MetricComparison(
                        node: id, name: "", label: "", left: nil, right: nil, leftState: a?.state, rightState: b?.state)
                )
            }
            for name in names {
                rows.append(
                    MetricComparison(
                        node: id, name: name, label: rightValues[name]?.label ?? leftValues[name]?.label ?? "",
                        left: leftValues[name], right: rightValues[name], leftState: a?.state, rightState: b?.state))
            }
        }
        return rows
    }
}
