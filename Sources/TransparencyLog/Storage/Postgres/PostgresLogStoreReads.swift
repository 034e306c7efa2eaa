import Foundation
import Merkle
import NIOCore
import PostgresNIO

// The read side of `PostgresLogStore`. Each read is one statement, so it sees one committed state
// (a statement's snapshot): never half a batch. Any replica serves reads, leader or not.
extension PostgresLogStore {
    // Each read gives up after `commitTimeout`: with the database gone, the pool would wait for a
    // connection forever, and a request (or `/readyz`) must answer instead.
    public func latestTreeHead() async throws -> StoredTreeHead { try await bounded { try await self.unboundedLatestTreeHead() } }
    public func checkpoint(treeSize: Int64) async throws -> String? { try await bounded { try await self.unboundedCheckpoint(treeSize: treeSize) } }
    public func entry(at index: Int64) async throws -> StoredEntry? { try await bounded { try await self.unboundedEntry(at: index) } }
    public func entry(leafHash: Hash) async throws -> StoredEntry? { try await bounded { try await self.unboundedEntry(leafHash: leafHash) } }
    public func entries(in range: Range<Int64>) async throws -> [StoredEntry] { try await bounded { try await self.unboundedEntries(in: range) } }
    public func search(key: String, limit: Int) async throws -> [Int64] { try await bounded { try await self.unboundedSearch(key: key, limit: limit) } }
    public func readHashes(at indexes: [Int64]) async throws -> [Hash] { try await bounded { try await self.unboundedReadHashes(at: indexes) } }

    /// A database that is down or silent fails the read with ``StorageUnavailable`` (a 503 at the
    /// edge); any other failure is rethrown as it came.
    private func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await PostgresDatabase.answering(within: commitTimeout, what: "reading the \(tables.prefix) log", body)
        } catch where PostgresDatabase.isOutage(error) {
            // The reason names hosts and addresses: for the operator's log, not the client's answer.
            if let admission = readFailureWarnings.admit() {
                logger.warning("database read failed", metadata: admission.metadata.merging(
                    ["log": "\(tables.prefix)", "reason": "\(PostgresDatabase.describe(error))"]) { _, new in new })
            }
            throw StorageUnavailable()
        }
    }

    private func unboundedLatestTreeHead() async throws -> StoredTreeHead {
        let rows = try await database.client.query("""
            SELECT c.tree_size, c.root_hash, c.note, (SELECT COALESCE(MAX(idx) + 1, 0) FROM \(unescaped: tables.entries))
            FROM \(unescaped: tables.checkpoints) c ORDER BY c.tree_size DESC LIMIT 1
            """, logger: logger)
        for try await (size, root, note, stored) in rows.decode((Int64, ByteBuffer, String, Int64).self) {
            guard let rootHash = Hash(root.readableBytesView) else {
                throw PostgresDatabase.Failure("checkpoint \(size) root hash is not 32 bytes")
            }
            guard stored == size else {
                throw PostgresDatabase.Failure("latest checkpoint is for tree size \(size) but \(stored) entries are stored")
            }
            return StoredTreeHead(treeSize: size, rootHash: rootHash, checkpoint: note)
        }
        throw PostgresDatabase.Failure("no checkpoint stored in \(tables.checkpoints)")
    }

    private func unboundedCheckpoint(treeSize: Int64) async throws -> String? {
        for try await note in try await database.client.query(
            "SELECT note FROM \(unescaped: tables.checkpoints) WHERE tree_size = \(treeSize)", logger: logger).decode(String.self) {
            return note
        }
        return nil
    }

    private func unboundedEntry(at index: Int64) async throws -> StoredEntry? {
        try await entries(where: "idx = $1", index).first
    }

    private func unboundedEntry(leafHash: Hash) async throws -> StoredEntry? {
        for try await row in try await database.client.query("""
            SELECT idx, leaf_hash, body, integrated_time, kind, extra FROM \(unescaped: tables.entries) WHERE leaf_hash = \(ByteBuffer(bytes: leafHash.bytes))
            """, logger: logger).decode(EntryRow.self) {
            return try Self.entry(from: row)
        }
        return nil
    }

    /// The stored entries at these indexes, in one statement (absent ones are left out).
    func entries(atIndexes indexes: [Int64]) async throws -> [Int64: StoredEntry] {
        try await bounded {
            var found: [Int64: StoredEntry] = [:]
            for try await row in try await self.database.client.query("""
                SELECT idx, leaf_hash, body, integrated_time, kind, extra FROM \(unescaped: self.tables.entries) WHERE idx = ANY(\(indexes)::bigint[])
                """, logger: self.logger).decode(EntryRow.self) {
                let entry = try Self.entry(from: row)
                found[entry.index] = entry
            }
            return found
        }
    }

    private func unboundedEntries(in range: Range<Int64>) async throws -> [StoredEntry] {
        var found: [StoredEntry] = []
        for try await row in try await database.client.query("""
            SELECT idx, leaf_hash, body, integrated_time, kind, extra FROM \(unescaped: tables.entries)
            WHERE idx >= \(range.lowerBound) AND idx < \(range.upperBound) ORDER BY idx
            """, logger: logger).decode(EntryRow.self) {
            found.append(try Self.entry(from: row))
        }
        return found
    }

    private func entries(where condition: String, _ index: Int64) async throws -> [StoredEntry] {
        var binds = PostgresBindings()
        binds.append(index)
        let query = PostgresQuery(unsafeSQL: "SELECT idx, leaf_hash, body, integrated_time, kind, extra FROM \(tables.entries) WHERE \(condition)", binds: binds)
        var found: [StoredEntry] = []
        for try await row in try await database.client.query(query, logger: logger).decode(EntryRow.self) {
            found.append(try Self.entry(from: row))
        }
        return found
    }

    private func unboundedSearch(key: String, limit: Int) async throws -> [Int64] {
        var found: [Int64] = []
        for try await index in try await database.client.query("""
            SELECT idx FROM \(unescaped: tables.search) WHERE key = \(key) ORDER BY idx LIMIT \(Int64(limit))
            """, logger: logger).decode(Int64.self) {
            found.append(index)
        }
        return found
    }

    /// Reads stored hashes in one statement: each lives in the `tree` row of the leaf whose append
    /// created it, at a fixed offset (the layout `SQLiteLogStore` uses).
    private func unboundedReadHashes(at indexes: [Int64]) async throws -> [Hash] {
        let locations = indexes.map(SQLiteLogStore.location(ofStoredHash:))
        let leaves = Array(Set(locations.map(\.leaf)))
        var rows: [Int64: ByteBuffer] = [:]
        for try await (leaf, blob) in try await database.client.query("""
            SELECT idx, hashes FROM \(unescaped: tables.tree) WHERE idx = ANY(\(leaves)::bigint[])
            """, logger: logger).decode((Int64, ByteBuffer).self) {
            rows[leaf] = blob
        }
        return try zip(indexes, locations).map { index, location in
            guard let blob = rows[location.leaf] else {
                throw PostgresDatabase.Failure("stored hash \(index) belongs to leaf \(location.leaf), which is not stored")
            }
            let start = location.offset * Hash.byteCount
            guard blob.readableBytes >= start + Hash.byteCount,
                  let bytes = blob.getBytes(at: blob.readerIndex + start, length: Hash.byteCount), let hash = Hash(bytes) else {
                throw PostgresDatabase.Failure("tree row \(location.leaf) is too short for stored hash \(index)")
            }
            return hash
        }
    }
}
