import Foundation
import Logging
import Merkle
import NIOCore
import PostgresNIO

/// What copying an SQLite log into PostgreSQL moved, once the copy's every tree hash, checkpoint
/// root and final root were checked against a tree recomputed from its leaves.
public struct LogImportReport: Sendable {
    public let log: String
    public let treeSize: Int64
    public let rootHash: Hash
    public let searchRows: Int
    public let checkpoints: Int
}

extension PostgresLogStore {
    /// Why an import was refused or failed its check; nothing was written.
    public struct ImportError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies the log in `source` into `database` under the name `log`, in one transaction: the
    /// entries, their stored tree hashes, the search index and every published checkpoint, then the
    /// coordination row at the copied tree size. Before committing, it recomputes the tree from the
    /// copied leaves and checks every copied tree hash, every checkpoint's root and the final root
    /// against the source's latest checkpoint; any difference rolls the whole copy back. A database
    /// that already holds a log of that name is refused (replicas starting meanwhile wait on the
    /// schema lock, then find the copied log).
    public static func importing(_ source: SQLiteLogStore, into database: PostgresDatabase, log: String, chunk: Int = 5_000,
                                 progress: @escaping @Sendable (_ copied: Int64, _ of: Int64) -> Void = { _, _ in }) async throws -> LogImportReport {
        try await importing([(log, source)], into: database, chunk: chunk) { _, copied, total in progress(copied, total) }[0]
    }

    /// Copies several logs as `importing(_:into:log:)` copies one, all in ONE transaction: either
    /// every log arrives, checked, or none does.
    public static func importing(_ logs: [(log: String, source: SQLiteLogStore)], into database: PostgresDatabase, chunk: Int = 5_000,
                                 progress: @escaping @Sendable (_ log: String, _ copied: Int64, _ of: Int64) -> Void = { _, _, _ in }) async throws -> [LogImportReport] {
        var prepared: [(PostgresLogTables, SQLiteLogStore, StoredTreeHead)] = []
        for (log, source) in logs {
            if let destination = try await source.movedTo() {
                throw ImportError(description: "the \(log) SQLite log was already moved to \(destination); it is a backup, not a log to copy again")
            }
            prepared.append((try PostgresLogTables(prefix: log), source, try await source.latestTreeHead()))
        }
        let logger = database.logger
        return try await database.transaction { connection in
            try await PostgresDatabase.exemptFromIdleTimeout(connection, logger)
            try await connection.query("SELECT set_config('statement_timeout', '0', true)", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresDatabase.schemaLockKey))", logger: logger)
            var reports: [LogImportReport] = []
            for (tables, source, head) in prepared {
                reports.append(try await copy(source, head: head, tables, chunk, connection, logger, database.url) { progress(tables.prefix, $0, $1) })
            }
            return reports
        }
    }

    private static func copy(_ source: SQLiteLogStore, head: StoredTreeHead, _ tables: PostgresLogTables, _ chunk: Int,
                             _ connection: PostgresConnection, _ logger: Logger, _ url: PostgresURL,
                             progress: (Int64, Int64) -> Void) async throws -> LogImportReport {
        var present = false
        for try await _ in try await connection.query("SELECT 1 FROM pg_tables WHERE tablename = \(tables.meta)", logger: logger).decode(Int.self) {
            present = true
        }
        if present {
            throw ImportError(description: "the database \(url.redacted) already holds a \(tables.prefix) log; copy into a database without one")
        }
        for statement in tables.schema { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
        let identity = source.identity()
        try await connection.query("""
            INSERT INTO \(unescaped: tables.meta) (key, value) VALUES ('log_id', \(identity.logID)), ('tree_id', \(String(identity.treeID))), ('origin', \(identity.origin))
            """, logger: logger)
        var start: Int64 = 0
        while start < head.treeSize {
            let range = start..<min(start + Int64(chunk), head.treeSize)
            try await copyEntries(source, range, connection, tables, logger)
            start = range.upperBound
            progress(start, head.treeSize)
        }
        let searchRows = try await copySearchRows(source, chunk, connection, tables, logger)
        let checkpoints = try await copyCheckpoints(source, chunk, connection, tables, logger)
        try await connection.query("""
            INSERT INTO \(unescaped: tables.sequencer) (id, holder, epoch, expires_at, tree_size) VALUES (1, '', 0, 'epoch', \(head.treeSize))
            """, logger: logger)
        try await verifyCopy(head, connection, tables, logger)
        return LogImportReport(log: tables.prefix, treeSize: head.treeSize, rootHash: head.rootHash, searchRows: searchRows, checkpoints: checkpoints)
    }

    private static func copyEntries(_ source: SQLiteLogStore, _ range: Range<Int64>, _ connection: PostgresConnection,
                                    _ tables: PostgresLogTables, _ logger: Logger) async throws {
        let entries = try await source.entries(in: range)
        let treeRows = try await source.treeRows(in: range)
        guard entries.count == range.count, treeRows.count == range.count,
              zip(entries, range).allSatisfy({ $0.index == $1 }), zip(treeRows, range).allSatisfy({ $0.index == $1 }) else {
            throw ImportError(description: "the SQLite log lacks entries or tree hashes in \(range.lowerBound)..<\(range.upperBound)")
        }
        try await connection.query("""
            INSERT INTO \(unescaped: tables.entries) (idx, leaf_hash, body, integrated_time, kind, extra)
            SELECT i, h, b, t, k, CASE WHEN x THEN e END
            FROM unnest(\(entries.map(\.index))::bigint[], \(entries.map { ByteBuffer(bytes: $0.leafHash.bytes) })::bytea[],
                        \(entries.map { ByteBuffer(bytes: $0.body) })::bytea[], \(entries.map(\.integratedTime))::bigint[],
                        \(entries.map(\.kind))::text[], \(entries.map { ByteBuffer(bytes: $0.extra ?? []) })::bytea[],
                        \(entries.map { $0.extra != nil })::bool[]) AS u(i, h, b, t, k, e, x)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO \(unescaped: tables.tree) (idx, hashes)
            SELECT * FROM unnest(\(treeRows.map(\.index))::bigint[], \(treeRows.map { ByteBuffer(bytes: $0.hashes) })::bytea[])
            """, logger: logger)
    }

    private static func copySearchRows(_ source: SQLiteLogStore, _ chunk: Int, _ connection: PostgresConnection,
                                       _ tables: PostgresLogTables, _ logger: Logger) async throws -> Int {
        var after: (key: String, index: Int64)?
        var copied = 0
        while true {
            let rows = try await source.searchRows(after: after, limit: chunk)
            guard let last = rows.last else { return copied }
            try await connection.query("""
                INSERT INTO \(unescaped: tables.search) (key, idx) SELECT * FROM unnest(\(rows.map(\.key))::text[], \(rows.map(\.index))::bigint[])
                """, logger: logger)
            copied += rows.count
            after = last
        }
    }

    private static func copyCheckpoints(_ source: SQLiteLogStore, _ chunk: Int, _ connection: PostgresConnection,
                                        _ tables: PostgresLogTables, _ logger: Logger) async throws -> Int {
        var after: Int64 = -1
        var copied = 0
        while true {
            let rows = try await source.checkpoints(after: after, limit: chunk)
            guard let last = rows.last else { return copied }
            try await connection.query("""
                INSERT INTO \(unescaped: tables.checkpoints) (tree_size, root_hash, note)
                SELECT * FROM unnest(\(rows.map(\.treeSize))::bigint[], \(rows.map { ByteBuffer(bytes: $0.rootHash.bytes) })::bytea[], \(rows.map(\.note))::text[])
                """, logger: logger)
            copied += rows.count
            after = last.treeSize
        }
    }

    /// Rebuilds the tree from the copied leaves, in index order, checking each leaf's stored hashes
    /// and each checkpoint's root on the way, and the end against the source's latest checkpoint.
    private static func verifyCopy(_ head: StoredTreeHead, _ connection: PostgresConnection,
                                   _ tables: PostgresLogTables, _ logger: Logger) async throws {
        var roots: [Int64: Hash] = [:]
        var latestNote: String?
        for try await (size, root, note) in try await connection.query("""
            SELECT tree_size, root_hash, note FROM \(unescaped: tables.checkpoints) ORDER BY tree_size
            """, logger: logger).decode((Int64, ByteBuffer, String).self) {
            guard let hash = Hash(root.readableBytesView) else { throw ImportError(description: "copied checkpoint \(size) has no 32-byte root") }
            roots[size] = hash
            if size == head.treeSize { latestNote = note }
        }
        guard roots[0] == RFC6962.emptyTreeHash else { throw ImportError(description: "the copy lacks the empty tree's checkpoint") }
        var tree = CompactRange()
        for try await (index, leaf, body, stored) in try await connection.query("""
            SELECT e.idx, e.leaf_hash, e.body, t.hashes FROM \(unescaped: tables.entries) e JOIN \(unescaped: tables.tree) t ON t.idx = e.idx ORDER BY e.idx
            """, logger: logger).decode((Int64, ByteBuffer, ByteBuffer, ByteBuffer).self) {
            guard index == tree.treeSize, let leafHash = Hash(leaf.readableBytesView) else {
                throw ImportError(description: "the copy has no entry with tree hashes at index \(tree.treeSize)")
            }
            // The body is what clients are served and verify: it must be the leaf the tree holds.
            guard RFC6962.leafHash(Array(body.readableBytesView)) == leafHash else {
                throw ImportError(description: "the copied entry at index \(index) has a body whose leaf hash is not the one stored")
            }
            let created = tree.append(leafHash: leafHash)
            guard Array(stored.readableBytesView) == created.flatMap(\.bytes) else {
                throw ImportError(description: "the copy's stored tree hashes at index \(index) differ from the tree its leaves make")
            }
            if let root = roots[tree.treeSize], root != tree.rootHash {
                throw ImportError(description: "the copied checkpoint for tree size \(tree.treeSize) has a root its leaves do not make")
            }
        }
        guard tree.treeSize == head.treeSize, tree.rootHash == head.rootHash else {
            throw ImportError(description: "the copy's \(tree.treeSize) leaves make a root other than the source's checkpoint for size \(head.treeSize)")
        }
        guard let latestNote, Array(latestNote.utf8) == Array(head.checkpoint.utf8) else {
            throw ImportError(description: "the copy's checkpoint for tree size \(head.treeSize) differs from the source's")
        }
    }
}
