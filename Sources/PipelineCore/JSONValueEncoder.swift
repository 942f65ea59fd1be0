/// Encodes an `Encodable` value as a `JSONValue`, property names in snake_case (`recordEvery` →
/// `record_every`): how a stage's settings become its node's slice, and so part of its key.
///
/// Not Foundation's `JSONEncoder`: that one takes ~20 µs per settings value and returns text that
/// would have to be parsed again, and a status of a large DAG plans 10⁴ nodes. Optionals that are nil
/// are left out (as the synthesized `encodeIfPresent` asks), integers become numbers (exact up to
/// 2⁵³, the schema's limit for seeds and counts). The stage decodes its slice with `JSONDecoder`
/// and `.convertFromSnakeCase`, which inverts this key conversion (a round-trip test per stage).
public struct JSONValueEncoder {
    public init() {}

    /// - Throws: what the value's `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let json = value as? JSONValue { return json }
        let node = EncodedNode()
        try value.encode(to: NodeEncoder(node: node, codingPath: []))
        return node.value
    }

    /// Foundation's `.convertToSnakeCase` for ASCII names (Swift property names): a word boundary
    /// before an upper-case letter that follows a lower-case letter or digit, or that starts a
    /// capitalized word after an acronym. Bytes, not `Character`s: a status of 10⁴ nodes converts
    /// ~10⁵ keys, and Unicode property lookups were a tenth of its time.
    static func snakeCase(_ key: String) -> String {
        let bytes = Array(key.utf8)
        func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func isLowerOrDigit(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard bytes.contains(where: isUpper) else { return key }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        for (i, b) in bytes.enumerated() {
            if isUpper(b), i > 0 {
                let previous = bytes[i - 1]
                let nextIsLower = i + 1 < bytes.count && bytes[i + 1] >= 97 && bytes[i + 1] <= 122
                if isLowerOrDigit(previous) || (isUpper(previous) && nextIsLower) { out.append(95) }
            }
            out.append(isUpper(b) ? b + 32 : b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One value under construction: a leaf, an object or an array, materialized at the end.
private final class EncodedNode {
    var leaf: JSONValue = .null
    var members: [String: EncodedNode]?
    var items: [EncodedNode]?

    var value: JSONValue {
        if let members { return .object(members.mapValues(\.value)) }
        if let items { return .array(items.map(\.value)) }
        return leaf
    }

    /// Encodes `value` into this node.
    func encode<T: Encodable>(_ value: T, codingPath: [CodingKey]) throws {
        if let json = value as? JSONValue {
            leaf = json
        } else {
            try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }
}

private struct NodeEncoder: Encoder {
    let node: EncodedNode
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if node.items == nil { node.items = [] }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }
}

/// The leaf for a number of any width.
private func number<T: BinaryInteger>(_ value: T) -> JSONValue { .number(Double(value)) }

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodedNode
    let codingPath: [CodingKey]

    private func child(_ key: Key) -> EncodedNode {
        let child = EncodedNode()
        node.members![JSONValueEncoder.snakeCase(key.stringValue)] = child
        return child
    }

    private func set(_ value: JSONValue, _ key: Key) { child(key).leaf = value }

    mutating func encodeNil(forKey key: Key) { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) { set(.number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { set(number(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { set(number(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try child(key).encode(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let child = EncodedNode()
        node.members!["super"] = child
        return NodeEncoder(node: child, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        NodeEncoder(node: child(key), codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue!) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodedNode
    let codingPath: [CodingKey]
    var count: Int { node.items!.count }

    private func append() -> EncodedNode {
        let child = EncodedNode()
        node.items!.append(child)
        return child
    }

    mutating func encodeNil() { append().leaf = .null }
    mutating func encode(_ value: Bool) { append().leaf = .bool(value) }
    mutating func encode(_ value: String) { append().leaf = .string(value) }
    mutating func encode(_ value: Double) { append().leaf = .number(value) }
    mutating func encode(_ value: Int) { append().leaf = number(value) }
    mutating func encode(_ value: UInt64) { append().leaf = number(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = IndexKey(count)
        try append().encode(value, codingPath: codingPath + [index])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let index = IndexKey(count)
        return NodeEncoder(node: append(), codingPath: codingPath + [index]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let index = IndexKey(count)
        return NodeEncoder(node: append(), codingPath: codingPath + [index]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let index = IndexKey(count)
        return NodeEncoder(node: append(), codingPath: codingPath + [index])
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: EncodedNode
    let codingPath: [CodingKey]

    mutating func encodeNil() { node.leaf = .null }
    mutating func encode(_ value: Bool) { node.leaf = .bool(value) }
    mutating func encode(_ value: String) { node.leaf = .string(value) }
    mutating func encode(_ value: Double) { node.leaf = .number(value) }
    mutating func encode(_ value: Float) { node.leaf = .number(Double(value)) }
    mutating func encode(_ value: Int) { node.leaf = number(value) }
    mutating func encode(_ value: Int8) { node.leaf = number(value) }
    mutating func encode(_ value: Int16) { node.leaf = number(value) }
    mutating func encode(_ value: Int32) { node.leaf = number(value) }
    mutating func encode(_ value: Int64) { node.leaf = number(value) }
    mutating func encode(_ value: UInt) { node.leaf = number(value) }
    mutating func encode(_ value: UInt8) { node.leaf = number(value) }
    mutating func encode(_ value: UInt16) { node.leaf = number(value) }
    mutating func encode(_ value: UInt32) { node.leaf = number(value) }
    mutating func encode(_ value: UInt64) { node.leaf = number(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.encode(value, codingPath: codingPath)
    }
}
