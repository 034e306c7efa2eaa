import Foundation
import GRDB
import Merkle

// The read side of `SQLiteLogStore`. Every read is a `DatabasePool.read` on one of the pool's reader
// connections, run from a Dispatch thread (see `read(_:)`) while the calling task is suspended, so
// a slow disk delays only the requests that wait for it, never Swift's cooperative pool. Each call is one read
// transaction over the last committed state (WAL snapshot isolation): never half a batch.
extension SQLiteLogStore {
    /// Runs a read transaction on GRDB's reader pool from a Dispatch thread, never on a thread of
    /// Swift's cooperative pool, which a slow disk would otherwise stall. Not GRDB's own `async`
    /// read: measured here, it let the WAL grow without restarting under steady appends
    /// (`walFileStaysBoundedUnderSteadyAppends`) and halved one-at-a-time append throughput.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = self.pool
        return try await withCheckedThrowingContinuation { continuation in
            Self.readQueue.async { continuation.resume(with: Result { try pool.read(body) }) }
        }
    }

    private static let readQueue = DispatchQueue(label: "sigil.log-reads", qos: .userInitiated, attributes: .concurrent)

    public func latestTreeHead() async throws -> StoredTreeHead {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT tree_size, root_hash, note FROM checkpoints ORDER BY tree_size DESC LIMIT 1") else {
                throw StoreError.corrupt("no checkpoint stored")
            }
            let size: Int64 = row["tree_size"]
            let rootData: Data = row["root_hash"]
            guard let root = Hash(rootData) else { throw StoreError.corrupt("checkpoint \(size) root hash is not 32 bytes") }
            let stored = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries") ?? 0
            guard stored == size else {
                throw StoreError.corrupt("latest checkpoint is for tree size \(size) but \(stored) entries are stored")
            }
            return StoredTreeHead(treeSize: size, rootHash: root, checkpoint: row["note"])
        }
    }

    public func checkpoint(treeSize: Int64) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT note FROM checkpoints WHERE tree_size = ?", arguments: [treeSize])
        }
    }

    public func entry(at index: Int64) async throws -> StoredEntry? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM entries WHERE idx = ?", arguments: [index]).map(Self.entry(from:))
        }
    }

    public func entry(leafHash: Hash) async throws -> StoredEntry? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM entries WHERE leaf_key = ? AND leaf_hash = ?",
                             arguments: [Self.leafKey(leafHash), Data(leafHash.bytes)])
                .map(Self.entry(from:))
        }
    }

    /// The entries among `leafHashes` that `db` holds, keyed by leaf hash.
    static func stored(_ leafHashes: [Hash], in db: Database) throws -> [Hash: StoredEntry] {
        // Nearly every batch holds only new entries: an index probe per hash finds that, and only
        // the hashes it finds are read in full (a GRDB row per probe was a tenth of an append).
        let probe = try db.cachedStatement(sql: "SELECT 1 FROM entries WHERE leaf_key = ? AND leaf_hash = ?")
        var lookup = BoundStatement(probe.sqliteStatement)
        var present: [Hash] = []
        for hash in leafHashes {
            lookup.bind(1, leafKey(hash))
            let hit = try hash.withUnsafeBytes { bytes in
                lookup.bind(2, bytes)
                return try lookup.findsRow(db)
            }
            if hit { present.append(hash) }
        }
        var found: [Hash: StoredEntry] = [:]
        let statement = try db.cachedStatement(sql: "SELECT * FROM entries WHERE leaf_key = ? AND leaf_hash = ?")
        for hash in present {
            if let row = try Row.fetchOne(statement, arguments: [leafKey(hash), Data(hash.bytes)]) {
                found[hash] = try entry(from: row)
            }
        }
        return found
    }

    public func entries(in range: Range<Int64>) async throws -> [StoredEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                             arguments: [range.lowerBound, range.upperBound]).map(Self.entry(from:))
        }
    }

    public func search(key: String, limit: Int) async throws -> [Int64] {
        try await read { db in
            try Self.search(key: key, from: 0, limit: limit, in: db)
        }
    }

    /// Reads stored hashes, all of them in one read transaction (a whole proof's worth). Each stored
    /// hash lives in the `tree` row of the leaf whose append created it, at a fixed offset, so a proof
    /// costs one indexed lookup per distinct leaf involved; the hashes are cut out in memory afterwards.
    public func readHashes(at indexes: [Int64]) async throws -> [Hash] {
        let locations = indexes.map(Self.location(ofStoredHash:))
        let leaves = Array(Set(locations.map(\.leaf)))
        let rows: [Int64: Data] = try await read { db in
            var rows: [Int64: Data] = [:]
            let statement = try db.cachedStatement(sql: "SELECT hashes FROM tree WHERE idx = ?")
            for leaf in leaves {
                if let blob = try Data.fetchOne(statement, arguments: [leaf]) { rows[leaf] = blob }
            }
            return rows
        }
        return try zip(indexes, locations).map { index, location in
            guard let blob = rows[location.leaf] else {
                throw StoreError.corrupt("stored hash \(index) belongs to leaf \(location.leaf), which is not stored")
            }
            let start = location.offset * Hash.byteCount
            guard blob.count >= start + Hash.byteCount,
                  let hash = Hash(blob[(blob.startIndex + start)..<(blob.startIndex + start + Hash.byteCount)]) else {
                throw StoreError.corrupt("tree row \(location.leaf) is too short for stored hash \(index)")
            }
            return hash
        }
    }

    static func entry(from row: Row) throws -> StoredEntry {
        let hashData: Data = row["leaf_hash"]
        let body: Data = row["body"]
        let extra: Data? = row["extra"]
        guard let leafHash = Hash(hashData) else { throw StoreError.corrupt("leaf hash is not 32 bytes") }
        return StoredEntry(index: row["idx"], leafHash: leafHash, body: Array(body),
                           integratedTime: row["integrated_time"], kind: row["kind"], extra: extra.map(Array.init))
    }
}
