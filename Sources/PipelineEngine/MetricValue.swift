import Foundation
import HDF5Kit
import PipelineCore

/// One metric of one node as its artifact holds it.
public struct MetricValue: Equatable, Sendable {
    public let node: NodeID
    /// The declaration's name, with the element index for a dataset (`basin_fraction[1]`).
    public let name: String
    /// What the element is (`critical point`, `n=25 sigma=0.2`); "" when the declaration names none.
    public let label: String
    /// A number or a string.
    public let value: JSONValue
    public let low: Double?
    public let high: Double?

    /// The name with the label, as tables show it (`basin_fraction[0] (isolated minimum)`).
    public var title: String { label.isEmpty ? name : "\(name) (\(label))" }

    /// Node and metric, the key two configurations' metrics are matched by.
    public var id: String { "\(node) \(name)" }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "node": .string(node.description), "metric": .string(name),
            "value": value.doubleValue.map { $0.isFinite ? value : .null } ?? value,
        ]
        if !label.isEmpty { members["label"] = .string(label) }
        if let low { members["low"] = .number(low) }
        if let high { members["high"] = .number(high) }
        return .object(members)
    }

    /// The value, and its interval when there is one, in the short form tables show (a long text
    /// is cut: `--json` and the comparison page have it whole).
    public var text: String {
        var text = Self.format(value)
        if text.count > Self.textWidth { text = "\(text.prefix(Self.textWidth - 1))…" }
        if let low, let high { text += " [\(Self.format(.number(low))), \(Self.format(.number(high)))]" }
        return text
    }

    static let textWidth = 40

    public static func format(_ value: JSONValue) -> String {
        guard let d = value.doubleValue else { return value.stringValue ?? value.canonical }
        if d.rounded() == d, abs(d) < 1e9 { return JSONValue.format(d) }
        return String(format: "%.6g", d)
    }

    /// Reads a node's declared metrics from its artifact. A declaration whose attribute or dataset
    /// the artifact does not have (a run without that analysis) gives no value.
    /// - Throws: `HDF5Error` when the artifact cannot be opened.
    public static func read(_ declarations: [MetricDeclaration], node: NodeID, artifact: URL) throws -> [MetricValue] {
        let file = try HDF5File.open(artifact.path)
        defer { try? file.close() }
        var values: [MetricValue] = []
        for declaration in declarations {
            switch declaration.source {
            case .attribute(let path):
                guard let value = try attribute(path, in: file.root) else { continue }
                let low = try declaration.low.flatMap { try finite(attribute($0, in: file.root)) }
                let high = try declaration.high.flatMap { try finite(attribute($0, in: file.root)) }
                values.append(
                    MetricValue(node: node, name: declaration.name, label: "", value: value, low: low, high: high))
            case .elements(let path):
                guard let (items, columns) = try elements(path, in: file.root) else { continue }
                let lows = try declaration.low.flatMap { try elements($0, in: file.root)?.values }
                let highs = try declaration.high.flatMap { try elements($0, in: file.root)?.values }
                let labels = try declaration.labels.map { path in
                    (
                        name: path.split(separator: "/").last.map(String.init) ?? path,
                        items: try elements(path, in: file.root)?.values
                    )
                }
                for (i, item) in items.enumerated() {
                    // A table (rows × columns) is indexed [row,column], and labelled by its row.
                    let row = i / columns
                    let label = labels.compactMap { column -> String? in
                        guard let items = column.items, row < items.count else { return nil }
                        let text = format(items[row])
                        return labels.count == 1 ? text : "\(column.name)=\(text)"
                    }.joined(separator: " ")
                    let index = columns == 1 ? "\(i)" : "\(row),\(i % columns)"
                    values.append(
                        MetricValue(
                            node: node, name: "\(declaration.name)[\(index)]", label: label, value: item,
                            low: lows.flatMap { i < $0.count ? finite($0[i]) : nil },
                            high: highs.flatMap { i < $0.count ? finite($0[i]) : nil }))
                }
            }
        }
        return values
    }

    /// A finite number, or nil (an interval a stage could not compute is stored as NaN).
    private static func finite(_ value: JSONValue?) -> Double? {
        value?.doubleValue.flatMap { $0.isFinite ? $0 : nil }
    }

    /// `group/path@name`: the attribute, or nil when the object or the attribute is absent.
    private static func attribute(_ path: String, in root: HDF5Group) throws -> JSONValue? {
        let parts = path.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        let holder: HDF5AttributeHolder
        if parts[0].isEmpty {
            holder = root
        } else {
            guard root.contains(parts[0]) else { return nil }
            holder = try root.isGroup(parts[0]) ? root.group(parts[0]) : root.dataset(parts[0])
        }
        guard try holder.hasAttribute(parts[1]) else { return nil }
        switch try holder.attribute(parts[1]) {
        case .double(let d): return .number(d)
        case .int64(let i): return .number(Double(i))
        case .string(let s): return .string(s)
        case .doubles, .int64s: return nil
        }
    }

    /// A dataset's elements in row-major order with its row length, or nil when it is absent.
    private static func elements(_ path: String, in root: HDF5Group) throws -> (values: [JSONValue], columns: Int)? {
        guard root.contains(path), !(try root.isGroup(path)) else { return nil }
        let dataset = try root.dataset(path)
        let columns = max(1, dataset.shape.dropFirst().reduce(1, *))
        switch dataset.elementType {
        case .float64: return (try dataset.readDoubles().map { .number($0) }, columns)
        case .int64: return (try dataset.readInt64s().map { .number(Double($0)) }, columns)
        case .string: return (try dataset.readStrings().map { .string($0) }, columns)
        case .uint8, .other: return nil
        }
    }
}
