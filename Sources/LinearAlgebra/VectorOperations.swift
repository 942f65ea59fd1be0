/// Small dense helpers on `[Double]` vectors and row-major matrices used by the analysis code.
public enum Dense {
    /// The inner product `⟨a, b⟩`. - Precondition: equal lengths.
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "dot: length mismatch")
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// The Euclidean distance `‖a − b‖₂`. - Precondition: equal lengths.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "distance: length mismatch")
        return norm(zip(a, b).map { $0 - $1 })
    }

    /// The Euclidean norm `‖a‖₂`, scaled to avoid overflow/underflow.
    public static func norm(_ a: [Double]) -> Double {
        let scale = a.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return scale }
        var s = 0.0
        for x in a { s += (x / scale) * (x / scale) }
        return scale * s.squareRoot()
    }

    /// The product `A x` of a row-major `rows × x.count` matrix with a vector.
    public static func multiply(_ matrix: [Double], rows: Int, _ x: [Double]) -> [Double] {
        let cols = x.count
        precondition(matrix.count == rows * cols, "multiply: shape mismatch")
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.0
            for j in 0..<cols { s += matrix[i * cols + j] * x[j] }
            y[i] = s
        }
        return y
    }
}
