import Foundation
import GRDB
import Merkle

// What `sigil-server migrate sqlite-to-postgres` reads: every stored row, in chunks, in key order,
// each chunk one read transaction. The copy is taken from a folder no server is writing (the
// migration holds the folder lock), so the chunks together are one state.
extension SQLiteLogStore {
    /// Stored tree-hash rows (one per leaf: the hashes that leaf completed) for leaves in `range`.
    public func treeRows(in range: Range<Int64>) async throws -> [(index: Int64, hashes: [UInt8])] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT idx, hashes FROM tree WHERE idx >= ? AND idx < ? ORDER BY idx",
                             arguments: [range.lowerBound, range.upperBound]).map { row in
                let hashes: Data = row["hashes"]
                return (row["idx"], Array(hashes))
            }
        }
    }

    /// Search rows after `after` in (index, key) order, at most `limit`.
    public func searchRows(after: (key: String, index: Int64)?, limit: Int) async throws -> [(key: String, index: Int64)] {
        try await read { db in
            let rows = if let after {
                try Row.fetchAll(db, sql: "SELECT key, idx FROM search_keys WHERE (idx, key) > (?, ?) ORDER BY idx, key LIMIT ?",
                                 arguments: [after.index, after.key, limit])
            } else {
                try Row.fetchAll(db, sql: "SELECT key, idx FROM search_keys ORDER BY idx, key LIMIT ?", arguments: [limit])
            }
            return rows.map { ($0["key"], $0["idx"]) }
        }
    }

    /// Published checkpoints for tree sizes above `after`, ascending, at most `limit`.
    public func checkpoints(after: Int64, limit: Int) async throws -> [(treeSize: Int64, rootHash: Hash, note: String)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT tree_size, root_hash, note FROM checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT ?",
                             arguments: [after, limit]).map { row in
                let size: Int64 = row["tree_size"]
                let root: Data = row["root_hash"]
                guard let hash = Hash(root) else { throw StoreError.corrupt("checkpoint \(size) root hash is not 32 bytes") }
                return (size, hash, row["note"])
            }
        }
    }
}

// A log moved to PostgreSQL leaves its SQLite file behind as a backup, marked with where it went
// (`meta` key `moved_to`): serving or copying that file again would let the same key sign two
// different trees, so servers and `migrate` refuse a marked file.
extension SQLiteLogStore {
    /// Where this log was moved (a password-free PostgreSQL URL), if it was.
    public func movedTo() async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'moved_to'") }
    }

    /// Marks the file as moved to `destination` (a password-free URL) at its current tree size.
    public func markMoved(to destination: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('moved_to', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [destination])
        }
    }
}
