/// The numbering of "stored hashes": one `Int64` per complete subtree of the log, in append order.
///
/// This is the layout of golang.org/x/mod/sumdb/tlog (`StoredHashIndex`, `SplitStoredHashIndex`,
/// `StoredHashCount`). The node at tree level `L`, index `K` covers leaves `K·2^L ..< (K+1)·2^L` and
/// comes into existence when its last leaf, `(K+1)·2^L − 1`, is appended. Appending leaf `n` stores
/// the leaf hash followed by the hashes of the `t` subtrees it completes (`t` = trailing one bits of
/// `n`), all at contiguous indexes starting at `index(level: 0, index: n)`. A log of `s` leaves has
/// stored exactly `count(treeSize: s) = 2s − popcount(s)` hashes, at indexes `0 ..< count`.
///
/// The numbering fits in `Int64` for trees of up to ``maxTreeSize`` (2^62) leaves.
public enum StoredHashes {
    /// The largest tree size whose stored hashes all have `Int64` indexes: 2^62 leaves.
    public static let maxTreeSize: Int64 = 1 << 62

    /// The stored index of the node at tree `level` (0 = leaves), position `index` within that level.
    ///
    /// - Precondition: `0 <= level < 63`, `index >= 0`, and the node lies inside a tree of at most
    ///   ``maxTreeSize`` leaves.
    public static func index(level: Int, index: Int64) -> Int64 {
        precondition(level >= 0 && level < 63 && index >= 0, "Merkle: stored hash (\(level), \(index)) out of range")
        precondition(index < maxTreeSize >> level, "Merkle: stored hash (\(level), \(index)) beyond maxTreeSize")
        // The node is stored while appending its last leaf, `level` places after that leaf's own hash.
        let lastLeaf = (index + 1) << level - 1
        return count(treeSize: lastLeaf) + Int64(level)
    }

    /// The node (tree level, index within the level) that `storedIndex` numbers; the inverse of
    /// ``index(level:index:)``.
    ///
    /// - Precondition: `0 <= storedIndex < count(treeSize: maxTreeSize)`.
    public static func split(_ storedIndex: Int64) -> (level: Int, index: Int64) {
        precondition(storedIndex >= 0, "Merkle: negative stored hash index \(storedIndex)")
        // Find the leaf whose append wrote `storedIndex`: the largest `n` with count(n) <= storedIndex.
        // count(n) <= 2n, so n >= storedIndex / 2, and count(n) >= 2n - 63, so at most 32 steps remain.
        var leaf = storedIndex / 2
        while count(treeSize: leaf + 1) <= storedIndex { leaf += 1 }
        let level = Int(storedIndex - count(treeSize: leaf))
        precondition(level <= (~leaf).trailingZeroBitCount, "Merkle: bad math in StoredHashes.split")
        return (level, (leaf + 1) >> level - 1)
    }

    /// How many hashes a tree of `treeSize` leaves has stored: `2·treeSize − popcount(treeSize)`.
    ///
    /// - Precondition: `0 <= treeSize <= maxTreeSize`.
    public static func count(treeSize: Int64) -> Int64 {
        precondition(treeSize >= 0 && treeSize <= maxTreeSize, "Merkle: tree size \(treeSize) out of range")
        return treeSize - Int64(treeSize.nonzeroBitCount) + treeSize   // 2·maxTreeSize would overflow
    }

    /// The hashes to store when appending leaf `index` with hash `leafHash`: the leaf hash, then the
    /// hash of every subtree this leaf completes, from the lowest level up.
    ///
    /// `result[k]` belongs at `index(level: 0, index: index) + k`. The left siblings the new subtrees
    /// need are fetched from `reader` in one call (none for an even `index`). ``CompactRange/append(leafHash:)``
    /// returns the same hashes without any reads.
    ///
    /// - Throws: ``ProofError/indexOutOfRange(index:treeSize:)`` unless `0 <= index < maxTreeSize`;
    ///   errors from `reader`.
    public static func hashesToStore(forLeafAt index: Int64, leafHash: Hash, reader: some HashReader) throws -> [Hash] {
        guard index >= 0, index < maxTreeSize else {
            throw ProofError.indexOutOfRange(index: index, treeSize: maxTreeSize)
        }
        let completed = (~index).trailingZeroBitCount   // trailing one bits of `index`
        let siblingIndexes = (0..<completed).map { level in
            Self.index(level: level, index: (index >> level) - 1)
        }
        let siblings = try readHashes(at: siblingIndexes, from: reader)
        var result = [leafHash]
        result.reserveCapacity(1 + completed)
        var node = leafHash
        for sibling in siblings {
            node = RFC6962.nodeHash(sibling, node)
            result.append(node)
        }
        return result
    }
}
