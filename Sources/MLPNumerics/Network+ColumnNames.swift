extension Network {
    /// The names of θ's components in the flat layout, "w_1, ..., w_m, v_1, ..., v_m": the `columns`
    /// attribute of every stored θ.
    public static func columnNames(width m: Int) -> String {
        ((1...m).map { "w_\($0)" } + (1...m).map { "v_\($0)" }).joined(separator: ", ")
    }
}
