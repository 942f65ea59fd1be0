extension Network: Codable {
    private enum CodingKeys: String, CodingKey { case w, v }

    /// Decodes `{"w": […], "v": […]}`, refusing vectors of different lengths (instead of the
    /// precondition of `init(w:v:)`).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let w = try container.decode([Double].self, forKey: .w)
        let v = try container.decode([Double].self, forKey: .v)
        guard w.count == v.count, !w.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .v, in: container,
                debugDescription: "w and v must have the same length ≥ 1")
        }
        self.init(w: w, v: v)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(w, forKey: .w)
        try container.encode(v, forKey: .v)
    }
}
