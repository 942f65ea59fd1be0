/// Zero-initialized `SIMD8<Double>` storage aligned to 64 bytes (a cache line / one zmm register).
///
/// `SIMD8<Double>` itself is only 16-byte aligned in Swift, so arrays of it may start mid-line and
/// every 512-bit load then straddles two cache lines (measured: 5–10 % slower, varying from run to
/// run with the allocator's placement).
final class AlignedVectorBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<SIMD8<Double>>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 64, alignment: 64)
        base = raw.initializeMemory(as: SIMD8<Double>.self, repeating: .zero, count: max(count, 1))
    }

    deinit { base.deallocate() }
}
