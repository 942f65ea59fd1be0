import Foundation

/// One write-once slot per start, in a buffer allocated up front so that concurrent iterations
/// never touch shared array metadata; each iteration writes only its own slot (`MultiStartDescent`,
/// `SaddleToSaddleRun.runAll`).
final class OutcomeSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    private let lock = NSLock()
    private var done = 0

    func store(_ outcome: Value, at i: Int) { slots[i] = outcome }

    /// Counts one more finished start and reports the count, under the lock so reports are
    /// serialised.
    func markDone(report: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        report(done)
    }

    var values: [Value] { slots.map { $0! } }
}
