// Proof generation from stored hashes (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF).
//
// Both functions walk RFC 6962's recursion top-down over leaf ranges [lo, hi) without hashing, collect
// the sibling ranges the proof lists, then read every stored hash they need in one `readHashes` call
// (awaited, with an ``AsyncHashReader``) and compute the rest in memory.
// Only one range per proof can be incomplete (the one ending at the tree size); it is folded from its
// O(log n) complete subtrees. Nothing is scanned: the work is O(log n) whatever the tree size.

/// Makes the inclusion proof `PATH(leafIndex, D[treeSize])` (RFC 6962 §2.1.1) from stored hashes, reading
/// O(log n) hashes in one `readHashes` call (none for a one-leaf tree).
///
/// - Throws: ``ProofError/indexOutOfRange(index:treeSize:)`` unless `0 <= leafIndex < treeSize`;
///   ``ProofError/invalidTreeSize(_:)`` if `treeSize > StoredHashes.maxTreeSize`; errors from `reader`.
public func makeInclusionProof(leafIndex: Int64, treeSize: Int64, reader: some HashReader) throws -> InclusionProof {
    let plan = try inclusionPlan(leafIndex: leafIndex, treeSize: treeSize)
    return inclusionProof(leafIndex: leafIndex, treeSize: treeSize, hashes: try plan.resolve(reader))
}

/// The same proof as the ``HashReader`` form, from one awaited read.
public func makeInclusionProof(leafIndex: Int64, treeSize: Int64, reader: some AsyncHashReader) async throws -> InclusionProof {
    let plan = try inclusionPlan(leafIndex: leafIndex, treeSize: treeSize)
    return inclusionProof(leafIndex: leafIndex, treeSize: treeSize, hashes: try await plan.resolve(reader))
}

/// The sibling ranges `PATH(leafIndex, D[treeSize])` lists, bottom-up, as one read.
private func inclusionPlan(leafIndex: Int64, treeSize: Int64) throws -> ReadPlan {
    guard leafIndex >= 0, leafIndex < treeSize else {
        throw ProofError.indexOutOfRange(index: leafIndex, treeSize: treeSize)
    }
    guard treeSize <= StoredHashes.maxTreeSize else { throw ProofError.invalidTreeSize(treeSize) }

    // PATH(m, D[lo:hi]) = PATH(m, D[lo:lo+k]) : MTH(D[lo+k:hi])   if m < lo+k
    //                   = PATH(m, D[lo+k:hi]) : MTH(D[lo:lo+k])   otherwise
    var siblings: [Range<Int64>] = []   // top-down; the proof lists them bottom-up
    siblings.reserveCapacity(Int64.bitWidth)
    var lo: Int64 = 0
    var hi = treeSize
    while hi - lo > 1 {
        let k = largestPowerOfTwo(below: hi - lo)
        if leafIndex < lo + k {
            siblings.append((lo + k)..<hi)
            hi = lo + k
        } else {
            siblings.append(lo..<(lo + k))
            lo += k
        }
    }
    var plan = ReadPlan(elements: siblings.count)
    for range in siblings.reversed() { plan.addSubtree(range) }
    return plan
}

private func inclusionProof(leafIndex: Int64, treeSize: Int64, hashes: [Hash]) -> InclusionProof {
    precondition(hashes.count == (try? InclusionProof.proofSize(leafIndex: leafIndex, treeSize: treeSize)),
                 "Merkle: bad math in makeInclusionProof")
    return InclusionProof(leafIndex: leafIndex, treeSize: treeSize, hashes: hashes)
}

/// Makes the consistency proof `PROOF(oldSize, D[newSize])` (RFC 6962 §2.1.2) from stored hashes, reading
/// O(log n) hashes in one `readHashes` call (none when the sizes are equal: the proof is empty).
///
/// - Throws: ``ProofError/invalidSizes(oldSize:newSize:)`` unless `0 < oldSize <= newSize`;
///   ``ProofError/invalidTreeSize(_:)`` if `newSize > StoredHashes.maxTreeSize`; errors from `reader`.
public func makeConsistencyProof(oldSize: Int64, newSize: Int64, reader: some HashReader) throws -> ConsistencyProof {
    let plan = try consistencyPlan(oldSize: oldSize, newSize: newSize)
    return consistencyProof(oldSize: oldSize, newSize: newSize, hashes: try plan?.resolve(reader) ?? [])
}

/// The same proof as the ``HashReader`` form, from one awaited read.
public func makeConsistencyProof(oldSize: Int64, newSize: Int64, reader: some AsyncHashReader) async throws -> ConsistencyProof {
    let plan = try consistencyPlan(oldSize: oldSize, newSize: newSize)
    return consistencyProof(oldSize: oldSize, newSize: newSize, hashes: try await plan?.resolve(reader) ?? [])
}

/// The ranges `PROOF(oldSize, D[newSize])` lists, bottom-up, as one read; nil when the sizes are
/// equal (the proof is empty).
private func consistencyPlan(oldSize: Int64, newSize: Int64) throws -> ReadPlan? {
    guard oldSize > 0, oldSize <= newSize else {
        throw ProofError.invalidSizes(oldSize: oldSize, newSize: newSize)
    }
    guard newSize <= StoredHashes.maxTreeSize else { throw ProofError.invalidTreeSize(newSize) }
    guard oldSize < newSize else { return nil }

    // SUBPROOF(m, D[lo:hi], b) with m = oldSize - lo:
    //   m == hi - lo:  []  if b,  else [MTH(D[lo:hi])]
    //   m <= k:        SUBPROOF(m, D[lo:lo+k], b) : MTH(D[lo+k:hi])
    //   m >  k:        SUBPROOF(m - k, D[lo+k:hi], false) : MTH(D[lo:lo+k])
    var siblings: [Range<Int64>] = []   // top-down; the proof lists them bottom-up
    siblings.reserveCapacity(Int64.bitWidth)
    var lo: Int64 = 0
    var hi = newSize
    var oldTreeIsWholeRange = true      // RFC 6962's `b`
    while oldSize < hi {
        let k = largestPowerOfTwo(below: hi - lo)
        if oldSize - lo <= k {
            siblings.append((lo + k)..<hi)
            hi = lo + k
        } else {
            siblings.append(lo..<(lo + k))
            lo += k
            oldTreeIsWholeRange = false
        }
    }
    var plan = ReadPlan(elements: siblings.count + 1)
    if !oldTreeIsWholeRange { plan.addSubtree(lo..<hi) }
    for range in siblings.reversed() { plan.addSubtree(range) }
    return plan
}

private func consistencyProof(oldSize: Int64, newSize: Int64, hashes: [Hash]) -> ConsistencyProof {
    precondition(hashes.count == (try? ConsistencyProof.proofSize(oldSize: oldSize, newSize: newSize)),
                 "Merkle: bad math in makeConsistencyProof")
    return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashes)
}
