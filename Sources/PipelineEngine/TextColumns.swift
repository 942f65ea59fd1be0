extension String {
    /// The string followed by spaces up to `width` characters; a longer string is kept whole
    /// (node names can be long). Foundation's `padding(toLength:…)` bridges to NSString —
    /// a twentieth of a status of 10⁴ nodes — and cuts long names.
    public func padded(_ width: Int) -> String {
        let length = count
        return length >= width ? self : self + String(repeating: " ", count: width - length)
    }
}

extension String {
    /// Spaces up to `width` characters, then the string (right-aligned numbers).
    public func leftPadded(_ width: Int) -> String {
        let length = count
        return length >= width ? self : String(repeating: " ", count: width - length) + self
    }
}
