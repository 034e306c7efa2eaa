/// The stored hashes an operation needs, gathered before reading so that it reads once.
///
/// Each element is the RFC 6962 §2.1 hash `MTH(D[range])` of a leaf range. A range whose size is a power
/// of two is one stored hash; any other range (in proofs, only ranges ending at the tree size) is split into
/// its complete subtrees, largest first, and folded back together right to left:
/// `MTH = node(s0, node(s1, … node(s(k−1), sk)))`.
struct ReadPlan {
    private(set) var indexes: [Int64] = []
    /// How many of `indexes` make up each element, in element order.
    private var elementSizes: [Int] = []

    /// A plan for up to `elements` elements; at most one of them (the range ending at the tree size) needs
    /// more than one stored hash, and never more than 63.
    init(elements: Int) {
        indexes.reserveCapacity(elements + Int64.bitWidth - 1)
        elementSizes.reserveCapacity(elements)
    }

    /// Adds the element `MTH(D[range])`.
    mutating func addSubtree(_ range: Range<Int64>) {
        let before = indexes.count
        appendSubtreeIndexes(of: range, to: &indexes)
        elementSizes.append(indexes.count - before)
    }

    /// Reads all planned hashes in one call and returns one hash per element, in order.
    func resolve(_ reader: some HashReader) throws -> [Hash] {
        fold(try readHashes(at: indexes, from: reader))
    }

    /// ``resolve(_:)`` for storage that must not block: one `await`, then the same folding in memory.
    func resolve(_ reader: some AsyncHashReader) async throws -> [Hash] {
        fold(try await readHashes(at: indexes, from: reader))
    }

    /// One hash per element from the hashes at `indexes` (same count and order).
    private func fold(_ hashes: [Hash]) -> [Hash] {
        var result: [Hash] = []
        result.reserveCapacity(elementSizes.count)
        var end = 0
        for size in elementSizes {
            let start = end
            end += size
            var node = hashes[end - 1]
            for position in (start..<(end - 1)).reversed() {
                node = RFC6962.nodeHash(hashes[position], node)
            }
            result.append(node)
        }
        return result
    }
}

/// Appends the stored indexes of the complete subtrees that make up `range`, largest (leftmost) first.
///
/// - Precondition: `range` is a subtree range of RFC 6962's recursion: non-empty, and its start is a
///   multiple of the largest power of two not exceeding its size.
func appendSubtreeIndexes(of range: Range<Int64>, to indexes: inout [Int64]) {
    precondition(!range.isEmpty && range.lowerBound >= 0, "Merkle: bad math, empty subtree range \(range)")
    precondition(range.lowerBound.trailingZeroBitCount >= floorLog2(range.upperBound - range.lowerBound),
                 "Merkle: bad math, unaligned subtree range \(range)")
    var start = range.lowerBound
    while start < range.upperBound {
        let level = min(start.trailingZeroBitCount, floorLog2(range.upperBound - start))
        indexes.append(StoredHashes.index(level: level, index: start >> level))
        start += 1 << level
    }
}

/// Calls `reader` once for `indexes` (not at all when empty) and enforces the ``HashReader`` contract.
func readHashes(at indexes: [Int64], from reader: some HashReader) throws -> [Hash] {
    guard !indexes.isEmpty else { return [] }
    return try checkCount(try reader.readHashes(at: indexes), requested: indexes)
}

/// The ``AsyncHashReader`` form of ``readHashes(at:from:)``: one `await`, the same contract check.
func readHashes(at indexes: [Int64], from reader: some AsyncHashReader) async throws -> [Hash] {
    guard !indexes.isEmpty else { return [] }
    return try checkCount(try await reader.readHashes(at: indexes), requested: indexes)
}

private func checkCount(_ hashes: [Hash], requested indexes: [Int64]) throws -> [Hash] {
    guard hashes.count == indexes.count else {
        throw ProofError.hashReaderCountMismatch(requested: indexes.count, returned: hashes.count)
    }
    return hashes
}

/// `⌊log2(value)⌋` for a positive value.
func floorLog2(_ value: Int64) -> Int {
    precondition(value > 0, "Merkle: bad math, log2 of \(value)")
    return Int64.bitWidth - 1 - value.leadingZeroBitCount
}

/// The largest power of two strictly less than `value` (RFC 6962 §2.1's `k`), for `value >= 2`.
func largestPowerOfTwo(below value: Int64) -> Int64 {
    precondition(value >= 2, "Merkle: bad math, no power of two below \(value)")
    return 1 << floorLog2(value - 1)
}
