import Merkle

/// A naive RFC 6962 §2.1 Merkle tree, written straight from the recursive definitions (MTH, PATH, PROOF)
/// with no stored hashes and no cleverness. Tests only: it is the oracle the real code is checked against.
struct ReferenceTree {
    let leafHashes: [Hash]

    init(leafHashes: [Hash]) {
        self.leafHashes = leafHashes
    }

    /// The tree of the generated vectors: entries `"leaf-0"`, `"leaf-1"`, ...
    init(generatedLeafCount count: Int) {
        self.init(leafHashes: (0..<count).map { RFC6962.leafHash(generatedEntry($0)) })
    }

    /// `MTH(D[0:size])`.
    func root(size: Int) -> Hash { mth(0..<size) }

    /// `PATH(leafIndex, D[0:treeSize])`, bottom-up.
    func inclusionProof(leafIndex: Int, treeSize: Int) -> [Hash] { path(leafIndex, 0..<treeSize) }

    /// `PROOF(oldSize, D[0:newSize])`.
    func consistencyProof(oldSize: Int, newSize: Int) -> [Hash] { subproof(oldSize, 0..<newSize, true) }

    /// `MTH(D[range])`: the empty hash, a leaf hash, or the node over the split at the largest power of two
    /// smaller than the size.
    func mth(_ range: Range<Int>) -> Hash {
        switch range.count {
        case 0: return RFC6962.emptyTreeHash
        case 1: return leafHashes[range.lowerBound]
        default:
            let split = range.lowerBound + Self.k(range.count)
            return RFC6962.nodeHash(mth(range.lowerBound..<split), mth(split..<range.upperBound))
        }
    }

    /// `PATH(m, D[range])`, with `m` counted from the start of `range`.
    private func path(_ m: Int, _ range: Range<Int>) -> [Hash] {
        guard range.count > 1 else { return [] }
        let k = Self.k(range.count)
        let split = range.lowerBound + k
        if m < k {
            return path(m, range.lowerBound..<split) + [mth(split..<range.upperBound)]
        }
        return path(m - k, split..<range.upperBound) + [mth(range.lowerBound..<split)]
    }

    /// `SUBPROOF(m, D[range], b)`, with `m` counted from the start of `range`.
    private func subproof(_ m: Int, _ range: Range<Int>, _ b: Bool) -> [Hash] {
        if m == range.count { return b ? [] : [mth(range)] }
        let k = Self.k(range.count)
        let split = range.lowerBound + k
        if m <= k {
            return subproof(m, range.lowerBound..<split, b) + [mth(split..<range.upperBound)]
        }
        return subproof(m - k, split..<range.upperBound, false) + [mth(range.lowerBound..<split)]
    }

    /// The largest power of two strictly smaller than `n` (n > 1).
    private static func k(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}
