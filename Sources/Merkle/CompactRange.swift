/// The right edge of a log: the hashes of the complete subtrees that make up leaves `[0, treeSize)`, one per
/// one bit of `treeSize`, largest first (a "compact range" in transparency-dev terms).
///
/// The log keeps this in memory so that appending never reads storage: ``append(leafHash:)`` returns exactly the
/// hashes ``StoredHashes`` numbers for the new leaf, and ``rootHash`` is the RFC 6962 §2.1 `MTH` of the whole
/// tree. After a restart, ``init(treeSize:reader:)`` rebuilds it with one read of O(log n) stored hashes.
public struct CompactRange: Sendable, Equatable {
    /// Number of leaves covered.
    public private(set) var treeSize: Int64
    /// Complete-subtree hashes, left to right; `subtrees[k]` covers 2^(bit k from the top) leaves.
    private var subtrees: [Hash]

    /// The range of the empty tree.
    public init() {
        treeSize = 0
        subtrees = []
        subtrees.reserveCapacity(Int64.bitWidth)
    }

    /// Rebuilds the range of the first `treeSize` leaves from stored hashes, in one `readHashes` call.
    ///
    /// - Throws: ``ProofError/invalidTreeSize(_:)`` unless `0 <= treeSize <= StoredHashes.maxTreeSize`;
    ///   errors from `reader`.
    public init(treeSize: Int64, reader: some HashReader) throws {
        self.init(treeSize: treeSize, subtrees: try readHashes(at: try Self.rightEdge(treeSize: treeSize), from: reader))
    }

    /// The same range as the ``HashReader`` form, from one awaited read.
    public init(treeSize: Int64, reader: some AsyncHashReader) async throws {
        self.init(treeSize: treeSize, subtrees: try await readHashes(at: try Self.rightEdge(treeSize: treeSize), from: reader))
    }

    private init(treeSize: Int64, subtrees: [Hash]) {
        self.treeSize = treeSize
        self.subtrees = subtrees
        self.subtrees.reserveCapacity(Int64.bitWidth)
    }

    /// The stored indexes of the complete subtrees of `[0, treeSize)`, largest first.
    private static func rightEdge(treeSize: Int64) throws -> [Int64] {
        guard treeSize >= 0, treeSize <= StoredHashes.maxTreeSize else { throw ProofError.invalidTreeSize(treeSize) }
        var indexes: [Int64] = []
        if treeSize > 0 { appendSubtreeIndexes(of: 0..<treeSize, to: &indexes) }
        return indexes
    }

    /// Appends a leaf and returns the hashes to store for it, in storage order: the leaf hash, then every
    /// subtree it completes from the lowest level up (identical to ``StoredHashes/hashesToStore(forLeafAt:leafHash:reader:)``).
    public mutating func append(leafHash: Hash) -> [Hash] {
        var stored: [Hash] = []
        append(leafHash: leafHash, storingInto: &stored)
        return stored
    }

    /// Appends a leaf and adds the hashes to store for it to the end of `stored`, so a batch of appends can
    /// collect all new stored hashes (contiguous from `StoredHashes.count(treeSize:)` of the old size) in one array.
    public mutating func append(leafHash: Hash, storingInto stored: inout [Hash]) {
        precondition(treeSize < StoredHashes.maxTreeSize, "Merkle: CompactRange is full")
        stored.append(leafHash)
        var node = leafHash
        var size = treeSize
        while size & 1 == 1 {   // each trailing one bit is a subtree of the same size: merge it
            node = RFC6962.nodeHash(subtrees.removeLast(), node)
            stored.append(node)
            size >>= 1
        }
        subtrees.append(node)
        treeSize += 1
        precondition(subtrees.count == treeSize.nonzeroBitCount, "Merkle: bad math in CompactRange.append")
    }

    /// The RFC 6962 §2.1 root hash `MTH(D[0:treeSize])`; ``RFC6962/emptyTreeHash`` for the empty tree.
    public var rootHash: Hash {
        guard var node = subtrees.last else { return RFC6962.emptyTreeHash }
        for subtree in subtrees.dropLast().reversed() {
            node = RFC6962.nodeHash(subtree, node)
        }
        return node
    }
}
