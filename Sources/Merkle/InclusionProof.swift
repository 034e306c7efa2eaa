/// An inclusion proof (audit path): the RFC 6962 §2.1.1 `PATH(m, D[n])` for leaf `m = leafIndex` of a tree of
/// `n = treeSize` leaves, ordered bottom-up (the leaf's sibling first).
///
/// Verification follows RFC 9162 §2.1.3.2: ``rootHash(leafHash:)`` computes the root the path leads to, and
/// ``verify(leafHash:rootHash:)`` compares it with the expected root, reporting both on mismatch.
/// Make one from stored hashes with ``makeInclusionProof(leafIndex:treeSize:reader:)``.
public struct InclusionProof: Sendable, Equatable {
    /// 0-based index of the leaf the proof is for.
    public let leafIndex: Int64
    /// Number of leaves in the tree whose root the proof leads to.
    public let treeSize: Int64
    /// The audit path, bottom-up.
    public let hashes: [Hash]

    /// Wraps an audit path; nothing is checked until ``rootHash(leafHash:)`` or ``verify(leafHash:rootHash:)``.
    public init(leafIndex: Int64, treeSize: Int64, hashes: [Hash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// The number of hashes in `PATH(leafIndex, D[treeSize])`.
    ///
    /// Below the level where the paths to `leafIndex` and to the last leaf meet, every level has a sibling;
    /// above it, the path runs along the right edge and has a (left) sibling wherever `leafIndex` has a one bit.
    ///
    /// - Throws: ``ProofError/indexOutOfRange(index:treeSize:)`` unless `0 <= leafIndex < treeSize`.
    public static func proofSize(leafIndex: Int64, treeSize: Int64) throws(ProofError) -> Int {
        guard leafIndex >= 0, leafIndex < treeSize else {
            throw .indexOutOfRange(index: leafIndex, treeSize: treeSize)
        }
        let inner = Int64.bitWidth - (leafIndex ^ (treeSize - 1)).leadingZeroBitCount
        return inner + (leafIndex >> inner).nonzeroBitCount
    }

    /// The root hash this path leads to from `leafHash` (RFC 9162 §2.1.3.2, steps 1–3).
    ///
    /// - Throws: ``ProofError/indexOutOfRange(index:treeSize:)`` unless `0 <= leafIndex < treeSize`;
    ///   ``ProofError/wrongProofSize(expected:actual:)`` if the path is longer or shorter than
    ///   `PATH(leafIndex, D[treeSize])`.
    public func rootHash(leafHash: Hash) throws(ProofError) -> Hash {
        let expectedSize = try Self.proofSize(leafIndex: leafIndex, treeSize: treeSize)
        guard hashes.count == expectedSize else {
            throw .wrongProofSize(expected: expectedSize, actual: hashes.count)
        }
        // fn: position of the running node within its level; sn: position of the last node of that level.
        var fn = leafIndex
        var sn = treeSize - 1
        var node = leafHash
        for sibling in hashes {
            precondition(sn > 0, "Merkle: bad math in InclusionProof.rootHash")
            if fn & 1 == 1 || fn == sn {
                node = RFC6962.nodeHash(sibling, node)
                // A right-edge node without a right sibling moves up unchanged until it is a right child.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                node = RFC6962.nodeHash(node, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        precondition(sn == 0, "Merkle: bad math in InclusionProof.rootHash")
        return node
    }

    /// Verifies that the leaf with hash `leafHash` is at `leafIndex` in the tree of `treeSize` leaves whose root
    /// is `expected` (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: the errors of ``rootHash(leafHash:)``, and ``ProofError/rootMismatch(expected:calculated:)``.
    public func verify(leafHash: Hash, rootHash expected: Hash) throws(ProofError) {
        let calculated = try rootHash(leafHash: leafHash)
        guard calculated == expected else { throw .rootMismatch(expected: expected, calculated: calculated) }
    }
}
