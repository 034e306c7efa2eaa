import Merkle

/// One entry as the log stores it: the canonicalized body, byte for byte, and what the log said about it.
public struct StoredEntry: Sendable, Equatable {
    public let index: Int64
    public let leafHash: Hash
    public let body: [UInt8]
    public let integratedTime: Int64
    public let kind: String
    /// Data kept beside the leaf but not hashed into it (a CT log's `extra_data`).
    public let extra: [UInt8]?

    public init(index: Int64, leafHash: Hash, body: [UInt8], integratedTime: Int64, kind: String, extra: [UInt8]? = nil) {
        self.index = index
        self.leafHash = leafHash
        self.body = body
        self.integratedTime = integratedTime
        self.kind = kind
        self.extra = extra
    }
}

/// Everything one sequencing round writes: the new entries, the stored tree hashes they create, their
/// search-index rows, and the signed checkpoint for the new tree size.
public struct AppendBatch: Sendable {
    /// Entries in log order; the first one's index equals the tree size before the batch.
    public var entries: [StoredEntry]
    /// For each entry (same order), the stored hashes it creates in `StoredHashes` numbering,
    /// starting at `StoredHashes.index(level: 0, index: entry.index)`.
    public var treeHashes: [[Hash]]
    /// Search-index rows: (key, log index). Keys are already normalised (lowercased).
    public var searchRows: [(key: String, index: Int64)]
    /// The signed checkpoint (note text) for the tree after the batch.
    public var checkpoint: String
    public var treeSize: Int64
    public var rootHash: Hash
    /// Outcomes of entries other replicas forwarded (`PreparedEntry.ticket`), committed with the
    /// batch so a forwarded entry is answered from the same transaction that sequenced it. Stores
    /// that are never shared (SQLite) receive none.
    public var resolutions: [(ticket: Int64, index: Int64, created: Bool)] = []

    public init(entries: [StoredEntry], treeHashes: [[Hash]], searchRows: [(key: String, index: Int64)],
                checkpoint: String, treeSize: Int64, rootHash: Hash) {
        self.entries = entries
        self.treeHashes = treeHashes
        self.searchRows = searchRows
        self.checkpoint = checkpoint
        self.treeSize = treeSize
        self.rootHash = rootHash
    }
}

/// The log's identity, fixed when the database is created: which key signs it and under what name.
public struct LogIdentity: Sendable, Equatable {
    /// Hex SHA-256 of the log key's DER SubjectPublicKeyInfo (Rekor's `logID`).
    public var logID: String
    /// Rekor's tree ID: a random positive Int64 chosen at creation, part of the checkpoint origin.
    public var treeID: Int64
    /// The checkpoint origin line, `"<name> - <treeID>"`.
    public var origin: String

    public init(logID: String, treeID: Int64, origin: String) {
        self.logID = logID
        self.treeID = treeID
        self.origin = origin
    }
}

/// The latest durable state: tree size, root and the checkpoint signed for them.
public struct StoredTreeHead: Sendable, Equatable {
    public var treeSize: Int64
    public var rootHash: Hash
    public var checkpoint: String
}

/// Why `LogStore.append` wrote nothing: these entries of the batch are already in the log, keyed by
/// leaf hash. The sequencer submits optimistically, without looking for duplicates first, and
/// redoes the round with these when the store finds any.
public struct AlreadyStored: Error, Sendable {
    public let entries: [Hash: StoredEntry]
}

/// Durable storage of a transparency log.
///
/// Contract: `append` writes a whole `AppendBatch` in ONE transaction. When it returns, all of it is
/// durable; after a crash, all of it is visible or none of it. Reads never observe half a batch.
/// Implementations must be safe to call from many tasks at once (reads run concurrently with an append).
///
/// Every read that may touch the disk is `async` and must not block the calling thread: callers are
/// the sequencer actor and request handlers on Swift's cooperative pool, where one slow disk read
/// would stall every task queued behind that thread. Each call is one read transaction, so the
/// values one call returns come from a single committed state. `readHashes(at:)` (from
/// `AsyncHashReader`) answers a whole proof's hashes in one call. Only `identity()` and `close()` are
/// synchronous: the identity never changes and is read when the store is opened, and closing
/// happens once, at shutdown.
public protocol LogStore: AsyncHashReader, ExplorerReads {
    /// The identity stored at creation. Fixed for the life of the log, so it costs no I/O.
    func identity() -> LogIdentity
    /// The latest committed tree head.
    func latestTreeHead() async throws -> StoredTreeHead
    /// Commits a batch (see the type's contract). When any of the batch's leaf hashes is already
    /// stored, writes nothing and throws ``AlreadyStored`` naming those entries: a leaf is logged once.
    func append(_ batch: AppendBatch) async throws
    /// The checkpoint stored for exactly this tree size, if one was published.
    func checkpoint(treeSize: Int64) async throws -> String?
    func entry(at index: Int64) async throws -> StoredEntry?
    func entry(leafHash: Hash) async throws -> StoredEntry?
    /// Entries with indexes in `range`, in order (for tiles, audits and bulk retrieval).
    func entries(in range: Range<Int64>) async throws -> [StoredEntry]
    /// Log indexes recorded under a search key, ascending, at most `limit`.
    func search(key: String, limit: Int) async throws -> [Int64]
    /// Releases the storage once nothing will use it again (graceful shutdown).
    func close() throws
}
