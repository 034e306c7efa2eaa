import Crypto
import Foundation
import GRDB

// The search index in two tables. `search` maps the first 8 bytes of a key's SHA-256 to log
// indexes, (key_hash, idx) as its primary key; `search_keys` keeps each key's text beside its entry,
// (idx, key) as its primary key.
//
// Why two: keys are random (artifact digests and key fingerprints are new with every entry), so
// each batch's rows land on pages all over the index, and SQLite writes every page a batch touches
// whole. Text keys of some 85 bytes made that index six times the size of one on 8-byte hashes,
// and a 10,000-entry batch of hashedrekords rewrote most of it. `search_keys` grows only at its end,
// in log order. A lookup finds candidates by hash and keeps those whose entry holds the key itself,
// so a hash collision (2^32 work to make one) can add no result.
extension SQLiteLogStore {
    /// The index key of a search key: the first 8 bytes of the SHA-256 of its UTF-8, as an integer.
    /// Only the bytes before a NUL count: SQLite stores bound text up to its first NUL, and a file
    /// upgraded from the first layout can hash only what was stored.
    static func keyHash(_ key: String) -> Int64 {
        SHA256.hash(data: Array(key.utf8.prefix { $0 != 0 })).withUnsafeBytes(indexKey)
    }

    /// The two tables, as `create` makes them and the upgrade rewrites the first layout into.
    static let searchSchema = """
        CREATE TABLE search (key_hash INTEGER NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key_hash, idx)) WITHOUT ROWID;
        CREATE TABLE search_keys (idx INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (idx, key)) WITHOUT ROWID;
        """

    /// Log indexes `>= from` recorded under `key`, ascending, at most `limit`.
    static func search(key: String, from: Int64, limit: Int, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT s.idx FROM search s
            WHERE s.key_hash = ? AND s.idx >= ? AND EXISTS (SELECT 1 FROM search_keys k WHERE k.idx = s.idx AND k.key = ?)
            ORDER BY s.idx LIMIT ?
            """, arguments: [keyHash(key), from, key, limit])
    }

    /// Writes a batch's search rows to both tables, inside the batch's write transaction.
    static func insert(searchRows rows: [(key: String, index: Int64)], into db: Database) throws {
        let insertHash = try db.cachedStatement(sql: "INSERT OR IGNORE INTO search(key_hash, idx) VALUES (?, ?)")
        let insertKey = try db.cachedStatement(sql: "INSERT OR IGNORE INTO search_keys(idx, key) VALUES (?, ?)")
        var hashRow = BoundStatement(insertHash.sqliteStatement)
        var keyRow = BoundStatement(insertKey.sqliteStatement)
        for row in rows {
            hashRow.bind(1, keyHash(row.key))
            hashRow.bind(2, row.index)
            try hashRow.step(db)
            keyRow.bind(1, row.index)
            keyRow.bind(2, text: row.key)
            try keyRow.step(db)
        }
    }

    /// Rewrites a search index of the first layout (one table, text keys) into this one, once, when
    /// a database made by an earlier sigil-server is opened: in one write transaction, so a crash
    /// leaves either layout whole, and a second process opening the file at the same time waits,
    /// then finds the work done. The copy needs free disk about the size of the old index.
    static func upgradeSearchIndex(_ pool: DatabasePool) throws {
        // Nearly every open finds the file current: a read says so without taking the write lock.
        let current = try pool.read { db in
            try Int.fetchOne(db, sql: "PRAGMA user_version") == layoutVersion && !db.columns(in: "search").contains { $0.name == "key" }
        }
        if current { return }
        try pool.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard version <= layoutVersion else {
                throw StoreError.corrupt("the file's layout (version \(version)) is newer than this sigil-server understands (\(layoutVersion)); run the sigil-server that wrote it, or a newer one")
            }
            guard try db.columns(in: "search").contains(where: { $0.name == "key" }) else {
                if version < layoutVersion { try db.execute(sql: "PRAGMA user_version = \(layoutVersion)") }
                return
            }
            db.add(function: DatabaseFunction("sigil_search_key_hash", argumentCount: 1, pure: true) { values in
                guard let key = String.fromDatabaseValue(values[0]) else { return nil }
                return keyHash(key)
            })
            try db.execute(sql: "ALTER TABLE search RENAME TO search_text_keys")
            try db.execute(sql: searchSchema)
            try db.execute(sql: "INSERT INTO search_keys(idx, key) SELECT idx, key FROM search_text_keys ORDER BY idx, key")
            try db.execute(sql: """
                INSERT OR IGNORE INTO search(key_hash, idx)
                SELECT sigil_search_key_hash(key), idx FROM search_text_keys ORDER BY 1, 2
                """)
            try db.execute(sql: "DROP TABLE search_text_keys")
            try db.execute(sql: "PRAGMA user_version = \(layoutVersion)")
        }
    }

    /// The layout this build writes, in SQLite's `user_version`: 0 (never set) is the first, with
    /// text search keys; 1 is this one. A file with a higher number is refused when opened.
    static let layoutVersion = 1
}
