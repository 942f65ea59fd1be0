/// Builds the noisy and clean training sets of the paper on the same inputs x.
public struct SampledDataset: Equatable, Sendable {
    /// Inputs x_k.
    public let x: [Double]
    /// Noisy targets y_k = f*(x_k) + ε_k (D_σ).
    public let noisy: [Double]
    /// Clean targets f*(x_k) (D_0).
    public let clean: [Double]

    public init(x: [Double], noisy: [Double], clean: [Double]) {
        self.x = x
        self.noisy = noisy
        self.clean = clean
    }

    /// Draws n inputs x_k ~ N(0, 1), then n noise values ε_k ~ N(0, σ²), from `PortableRandom(seed:)`.
    ///
    /// The inputs are drawn first, so σ changes the noise but not x. The teacher is evaluated
    /// with `portableTanh`: the same seed gives bit-identical data on every machine.
    public static func sample(n: Int, sigma: Double, seed: UInt64, teacher: Network) -> SampledDataset {
        var random = PortableRandom(seed: seed)
        let x = (0..<n).map { _ in random.nextNormal() }
        let clean = x.map { teacher.portableOutput($0) }
        let noisy = clean.map { $0 + sigma * random.nextNormal() }
        return SampledDataset(x: x, noisy: noisy, clean: clean)
    }

    /// Uses given (x, y) as the noisy set and builds the clean set f*(x) on the same x.
    public static func imported(x: [Double], y: [Double], teacher: Network) -> SampledDataset {
        SampledDataset(x: x, noisy: y, clean: x.map { teacher.portableOutput($0) })
    }

    /// The root-mean-square of y − f*(x): the noise level of an imported set.
    public var noiseRMS: Double {
        var sum = 0.0
        for k in 0..<x.count { sum += (noisy[k] - clean[k]) * (noisy[k] - clean[k]) }
        return (sum / Double(x.count)).squareRoot()
    }
}

extension Network {
    /// `f(x)` evaluated with `portableTanh` (bit-reproducible across platforms).
    public func portableOutput(_ x: Double) -> Double {
        var sum = 0.0
        for i in 0..<width { sum += v[i] * portableTanh(w[i] * x) }
        return sum
    }
}

/// Parses a two-column text file `x y` (one sample per line), the one parser for such files.
public enum TwoColumnText {
    /// A parse problem, with its 1-based line number.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "line \(line): \(message)" : message }
    }

    /// Parses the text, as written on any platform: lines end with LF, CRLF (Windows) or a lone
    /// CR (classic Mac OS), and a UTF-8 byte-order mark at the start is ignored. Columns are
    /// separated by spaces, tabs or commas; `#` starts a comment that runs to the end of the
    /// line; blank and comment-only lines are skipped.
    /// - Throws: `ParseError` for a line without exactly two numbers, a non-finite value, or
    ///   fewer than 2 samples.
    public static func parse(_ text: String) throws -> (x: [Double], y: [Double]) {
        var x: [Double] = []
        var y: [Double] = []
        // "\r\n" is a single Character in Swift, so splitting on "\n" alone finds no line breaks.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.prefix { $0 != "#" }.trimmingCharacters(in: " \t")
            if line.isEmpty { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard fields.count == 2 else {
                throw ParseError(
                    line: index + 1, message: "expected 2 columns 'x y', found \(fields.count): \(line.prefix(60))")
            }
            var pair: [Double] = []
            for field in fields {
                guard let value = Double(field) else {
                    throw ParseError(line: index + 1, message: "'\(field.prefix(40))' is not a number")
                }
                guard value.isFinite else {
                    throw ParseError(line: index + 1, message: "non-finite value '\(field)'")
                }
                pair.append(value)
            }
            x.append(pair[0])
            y.append(pair[1])
        }
        guard x.count >= 2 else {
            throw ParseError(line: 0, message: "needs at least 2 samples, found \(x.count)")
        }
        return (x, y)
    }
}

private extension Substring {
    func trimmingCharacters(in characters: String) -> Substring {
        var s = self
        while let first = s.first, characters.contains(first) { s = s.dropFirst() }
        while let last = s.last, characters.contains(last) { s = s.dropLast() }
        return s
    }
}
