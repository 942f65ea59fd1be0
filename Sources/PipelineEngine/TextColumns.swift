import Foundation

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

/// Rows of cells as text, each column as wide as its widest cell (the last one unpadded).
public enum TextColumns {
    public static func format(_ rows: [[String]], separator: String = "  ") -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padded(widths[c]) }
                .joined(separator: separator).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
                + "\n"
        }.joined()
    }
}
