// Merkle — tamper-evident log math for Sigil.
//
// Implements RFC 6962 §2.1 Merkle tree hashing (``RFC6962``) and audit paths / consistency proofs:
// generation from stored hashes (``makeInclusionProof(leafIndex:treeSize:reader:)``,
// ``makeConsistencyProof(oldSize:newSize:reader:)``) and verification as in RFC 9162 §2.1.3.2 and
// §2.1.4.2 (``InclusionProof``, ``ConsistencyProof``, failures as ``ProofError``). Interior nodes are
// numbered as in golang.org/x/mod/sumdb/tlog (``StoredHashes``), the log keeps its right edge in a
// ``CompactRange``, and ``Tiles`` maps c2sp.org/tlog-tiles paths onto stored hashes.
//
// Nothing here performs I/O: storage is reached only through ``HashReader``, and every function that
// reads asks for all the hashes it needs, O(log n) of them, in a single call.

/// Read access to stored hashes, numbered as in ``StoredHashes``. This is the only way this module
/// reaches storage.
///
/// Contract: `readHashes(at:)` returns the hash stored at each of `indexes`, with the same count and in
/// the same order (indexes may repeat and come in any order), or throws. It never returns a partial
/// result. Callers in this module make at most one call per operation and never pass an index at or
/// beyond the stored count of the tree size they were given.
public protocol HashReader {
    /// Returns the hashes at `indexes`, same count and order, or throws.
    func readHashes(at indexes: [Int64]) throws -> [Hash]
}

/// The RFC 6962 §2.1 root hash, `MTH(D[0:treeSize])`, of the first `treeSize` leaves of a log, computed
/// from stored hashes.
///
/// Reads one stored hash per one bit of `treeSize` (the complete subtrees along the right edge) in a single
/// `readHashes` call, and none for the empty tree.
///
/// - Throws: ``ProofError/invalidTreeSize(_:)`` unless `0 <= treeSize <= StoredHashes.maxTreeSize`;
///   errors from `reader`.
public func treeHash(treeSize: Int64, reader: some HashReader) throws -> Hash {
    guard treeSize >= 0, treeSize <= StoredHashes.maxTreeSize else { throw ProofError.invalidTreeSize(treeSize) }
    guard treeSize > 0 else { return RFC6962.emptyTreeHash }
    var plan = ReadPlan(elements: 1)
    plan.addSubtree(0..<treeSize)
    return try plan.resolve(reader)[0]
}
