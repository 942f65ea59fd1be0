import Foundation

/// Numbers and text as the page shows them.
enum Format {
    /// Escapes text for HTML.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `digits` significant digits; powers of ten as `2.63·10⁻⁴` outside [10⁻³, 10⁵).
    static func number(_ x: Double, digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞") }
        let text = String(format: "%.\(digits)g", x)
        let magnitude = abs(x)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) {
            let parts = String(format: "%.\(max(digits - 1, 0))e", x).split(separator: "e")
            guard parts.count == 2, let exponent = Int(parts[1]) else { return text }
            return minus(String(parts[0])) + "·10" + superscript(exponent)
        }
        guard let value = Double(text) else { return text }
        return minus(String(format: "%.\(digits)g", value))
    }

    /// A step count: the integer below 10⁵, else `1.26·10⁶`.
    static func time(_ t: Double) -> String {
        t < 1e5 && t.rounded() == t ? String(Int(t)) : number(t)
    }

    static func vector(_ values: [Double], digits: Int = 4) -> String {
        "(" + values.map { number($0, digits: digits) }.joined(separator: ", ") + ")"
    }

    /// Seconds as `0.84 s`, `12.3 s`, `2 min 5 s`.
    static func seconds(_ s: Double) -> String {
        s < 120 ? "\(number(s)) s" : "\(Int(s) / 60) min \(Int(s) % 60) s"
    }

    static func short(_ hash: String) -> String { String(hash.prefix(12)) }

    private static func minus(_ text: String) -> String { text.replacingOccurrences(of: "-", with: "−") }

    private static func superscript(_ n: Int) -> String {
        let digits: [Character: Character] = [
            "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
            "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
        ]
        return String(String(n).map { digits[$0] ?? $0 })
    }
}
