import Foundation
import HDF5Kit

/// Chooses which recorded trajectory rows a plane panel shows, and reads them.
enum TrajectorySampling {
    /// Rows `1..<rowCount` (row r holds θ at t = r·k; row 0, the initial point, is drawn on its own),
    /// all of them when there are at most `maxPoints`, else about `maxPoints` rows evenly spaced in
    /// log r (so in log t), always including rows 1 and `rowCount − 1`.
    /// - Returns: strictly increasing row indices, at most `maxPoints` of them.
    static func rows(rowCount: Int, maxPoints: Int) -> [Int] {
        guard rowCount > 1 else { return [] }
        let last = rowCount - 1
        if last <= maxPoints { return Array(1...last) }
        var result: [Int] = []
        result.reserveCapacity(maxPoints)
        let span = log(Double(last))
        for j in 0..<maxPoints {
            let row = Int(exp(span * Double(j) / Double(maxPoints - 1)).rounded())
            let clamped = min(max(row, 1), last)
            if clamped != result.last { result.append(clamped) }
        }
        return result
    }

    /// Reads the given rows of a 2-D float64 dataset, a block at a time (the trajectory can be
    /// far larger than the selection).
    /// - Returns: the rows, row-major `rows.count × columns`.
    /// - Throws: `HDF5Error` when a read fails.
    static func read(_ dataset: HDF5Dataset, rows: [Int], block: Int = 65_536) throws -> [Double] {
        let columns = dataset.shape.count == 2 ? dataset.shape[1] : 1
        var values: [Double] = []
        values.reserveCapacity(rows.count * columns)
        var index = 0
        while index < rows.count {
            let start = rows[index]
            let end = min(start + block, dataset.shape[0])
            let chunk = try dataset.readDoubleRows(start..<end)
            while index < rows.count, rows[index] < end {
                let offset = (rows[index] - start) * columns
                values.append(contentsOf: chunk[offset..<(offset + columns)])
                index += 1
            }
        }
        return values
    }
}
