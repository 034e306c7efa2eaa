// Merkle — tamper-evident log math for Sigil.
//
// Implements RFC 6962 §2.1 Merkle tree hashing (``RFC6962``) and audit paths / consistency proofs:
// generation from stored hashes (``makeInclusionProof(leafIndex:treeSize:reader:)``,
// ``makeConsistencyProof(oldSize:newSize:reader:)``) and verification as in RFC 9162 §2.1.3.2 and
// §2.1.4.2 (``InclusionProof``, ``ConsistencyProof``, failures as ``ProofError``). Interior nodes are
// numbered as in golang.org/x/mod/sumdb/tlog (``StoredHashes``), the log keeps its right edge in a
// ``CompactRange``, and ``Tiles`` maps c2sp.org/tlog-tiles paths onto stored hashes.
//
// Nothing here performs I/O: storage is reached only through ``HashReader`` (or its non-blocking twin
// ``AsyncHashReader``), and every function that reads asks for all the hashes it needs, O(log n) of
// them, in a single call, then computes in memory.

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

/// ``HashReader`` for storage that must not block the calling thread, such as a database file read
/// from Swift concurrency's cooperative pool: a slow disk then suspends one task instead of stalling
/// a pool thread.
///
/// Contract: the same as ``HashReader``'s. Every function here that takes one has a ``HashReader``
/// twin that computes the same result; the async form awaits its single read, then computes in memory.
public protocol AsyncHashReader: Sendable {
    /// Returns the hashes at `indexes`, same count and order, or throws.
    func readHashes(at indexes: [Int64]) async throws -> [Hash]
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
    guard let plan = try treeHashPlan(treeSize: treeSize) else { return RFC6962.emptyTreeHash }
    return try plan.resolve(reader)[0]
}

/// The same root as the ``HashReader`` form, from one awaited read.
public func treeHash(treeSize: Int64, reader: some AsyncHashReader) async throws -> Hash {
    guard let plan = try treeHashPlan(treeSize: treeSize) else { return RFC6962.emptyTreeHash }
    return try await plan.resolve(reader)[0]
}

/// The reads `MTH(D[0:treeSize])` needs; nil for the empty tree, which needs none.
private func treeHashPlan(treeSize: Int64) throws -> ReadPlan? {
    guard treeSize >= 0, treeSize <= StoredHashes.maxTreeSize else { throw ProofError.invalidTreeSize(treeSize) }
    guard treeSize > 0 else { return nil }
    var plan = ReadPlan(elements: 1)
    plan.addSubtree(0..<treeSize)
    return plan
}
