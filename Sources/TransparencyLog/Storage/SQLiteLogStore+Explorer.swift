import GRDB

// The explorer's reads (`ExplorerReads`), each one indexed query: `search` walks the
// (key_hash, idx) primary key from `from`; `checkpoints` walks the tree_size primary key downwards. Both
// run through `read(_:)`, off the cooperative pool, like every other read.
extension SQLiteLogStore {
    public func search(key: String, from: Int64, limit: Int) async throws -> [Int64] {
        try await read { db in
            try Self.search(key: key, from: from, limit: limit, in: db)
        }
    }

    public func checkpoints(atMost treeSize: Int64, limit: Int) async throws -> [(treeSize: Int64, note: String)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT tree_size, note FROM checkpoints WHERE tree_size <= ? ORDER BY tree_size DESC LIMIT ?",
                             arguments: [treeSize, limit]).map { row in (treeSize: row["tree_size"] as Int64, note: row["note"] as String) }
        }
    }
}
