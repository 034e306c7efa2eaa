/// A consistency proof: the RFC 6962 §2.1.2 `PROOF(m, D[n])` that the tree of `m = oldSize` leaves is a prefix
/// of the tree of `n = newSize` leaves.
///
/// Verification follows RFC 9162 §2.1.4.2: ``newRootHash(oldRoot:)`` checks that the proof reproduces the old
/// root and computes the new one; ``verify(oldRoot:newRoot:)`` also compares the new root. Sizes must satisfy
/// `0 < oldSize <= newSize` (a proof from the empty tree is meaningless); equal sizes need an empty proof and
/// equal roots. Make one from stored hashes with ``makeConsistencyProof(oldSize:newSize:reader:)``.
public struct ConsistencyProof: Sendable, Equatable {
    /// Number of leaves in the older tree.
    public let oldSize: Int64
    /// Number of leaves in the newer tree.
    public let newSize: Int64
    /// The proof hashes, in RFC 6962 `PROOF` order.
    public let hashes: [Hash]

    /// Wraps a consistency proof; nothing is checked until ``newRootHash(oldRoot:)`` or ``verify(oldRoot:newRoot:)``.
    public init(oldSize: Int64, newSize: Int64, hashes: [Hash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// The number of hashes in `PROOF(oldSize, D[newSize])`; 0 for equal sizes.
    ///
    /// Levels where the old tree's last node is a right child are skipped (both trees share that node's
    /// parent); from there the proof is the old root's subtree hash (omitted when the old tree is a single
    /// complete subtree) followed by an inclusion path of that subtree in the new tree.
    ///
    /// - Throws: ``ProofError/invalidSizes(oldSize:newSize:)`` unless `0 < oldSize <= newSize`.
    public static func proofSize(oldSize: Int64, newSize: Int64) throws(ProofError) -> Int {
        guard oldSize > 0, oldSize <= newSize else { throw .invalidSizes(oldSize: oldSize, newSize: newSize) }
        guard oldSize < newSize else { return 0 }
        let shared = (~(oldSize - 1)).trailingZeroBitCount
        let fn = (oldSize - 1) >> shared
        let sn = (newSize - 1) >> shared
        let inner = Int64.bitWidth - (fn ^ sn).leadingZeroBitCount
        let pathSize = 1 + inner + (fn >> inner).nonzeroBitCount
        return fn == 0 ? pathSize - 1 : pathSize   // fn == 0: the old tree is one complete subtree
    }

    /// Checks that the proof reproduces `oldRoot` and returns the new tree's root it leads to
    /// (RFC 9162 §2.1.4.2, steps 1–6, and the comparison with the first hash).
    ///
    /// - Throws: ``ProofError/invalidSizes(oldSize:newSize:)`` unless `0 < oldSize <= newSize`;
    ///   ``ProofError/wrongProofSize(expected:actual:)``; ``ProofError/oldRootMismatch(expected:calculated:)``.
    public func newRootHash(oldRoot: Hash) throws(ProofError) -> Hash {
        let expectedSize = try Self.proofSize(oldSize: oldSize, newSize: newSize)
        guard hashes.count == expectedSize else {
            throw .wrongProofSize(expected: expectedSize, actual: hashes.count)
        }
        guard oldSize < newSize else { return oldRoot }   // same tree: nothing to prove

        // Skip the levels where the old tree's last node is a right child: the proof starts where it is a
        // left child (or the old root itself when the old tree is one complete subtree, fn == 0).
        let shared = (~(oldSize - 1)).trailingZeroBitCount
        var fn = (oldSize - 1) >> shared
        var sn = (newSize - 1) >> shared
        let (start, rest) = fn == 0 ? (oldRoot, hashes[...]) : (hashes[0], hashes.dropFirst())
        var oldNode = start
        var newNode = start
        for hash in rest {
            precondition(sn > 0, "Merkle: bad math in ConsistencyProof.newRootHash")
            if fn & 1 == 1 || fn == sn {
                oldNode = RFC6962.nodeHash(hash, oldNode)
                newNode = RFC6962.nodeHash(hash, newNode)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                newNode = RFC6962.nodeHash(newNode, hash)
            }
            fn >>= 1
            sn >>= 1
        }
        precondition(sn == 0, "Merkle: bad math in ConsistencyProof.newRootHash")
        guard oldNode == oldRoot else { throw .oldRootMismatch(expected: oldRoot, calculated: oldNode) }
        return newNode
    }

    /// Verifies that the tree with root `oldRoot` and `oldSize` leaves is a prefix of the tree with root
    /// `newRoot` and `newSize` leaves (RFC 9162 §2.1.4.2).
    ///
    /// - Throws: the errors of ``newRootHash(oldRoot:)``, and ``ProofError/rootMismatch(expected:calculated:)``
    ///   when the proof leads to a different new root (for equal sizes: when the two roots differ).
    public func verify(oldRoot: Hash, newRoot: Hash) throws(ProofError) {
        let calculated = try newRootHash(oldRoot: oldRoot)
        guard calculated == newRoot else { throw .rootMismatch(expected: newRoot, calculated: calculated) }
    }
}
