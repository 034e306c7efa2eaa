import Foundation
import Logging
import Merkle
import NIOCore
import PostgresNIO
import ServerSupport
import Synchronization

/// `LogStore` on PostgreSQL, shared by every replica of the log server that points at the database.
///
/// Each log (the Rekor log, the CT log, the Rekor v2 log) has its own tables under a prefix:
/// `<log>_entries`, `<log>_tree`, `<log>_search`, `<log>_checkpoints` and `<log>_meta` hold what
/// `SQLiteLogStore`'s tables hold; `<log>_sequencer` is the one coordination row (the sequencer
/// lease and the tree size it has committed) and `<log>_pending` holds entries other replicas
/// forward to the sequencer.
///
/// Appends are fenced: a batch commits only inside a transaction that first updates the
/// coordination row under this replica's lease epoch and the tree size the batch extends (see
/// `append`). Another replica that took the lease over has bumped the epoch, so the update matches
/// nothing and the whole batch rolls back: two sequencers can never both write.
public final class PostgresLogStore: LogStore {
    let database: PostgresDatabase
    let tables: PostgresLogTables
    private let storedIdentity: LogIdentity
    /// The lease this replica holds, set by its `ReplicaCoordinator`; nil while it does not sequence.
    let fence = Mutex<SequencerFence?>(nil)
    private let closed = Mutex(false)
    /// The longest a batch's commit may take before the sequencer treats it as unconfirmed.
    let commitTimeout: Duration
    /// Reads during an outage fail by the hundred a second; their warning is logged once a second.
    let readFailureWarnings = RepeatedWarningLimiter()

    var logger: Logger { database.logger }

    private init(database: PostgresDatabase, tables: PostgresLogTables, identity: LogIdentity) {
        self.database = database
        self.commitTimeout = max(database.sessionTimeout * 2, .seconds(5))
        self.tables = tables
        self.storedIdentity = identity
        database.retain()
    }

    /// Opens the log stored under `log` (a prefix of lowercase letters, digits and `_`), creating its
    /// tables, identity, empty checkpoint and coordination row first if the database has none.
    /// `create` is called only then; replicas starting together create the log once.
    public static func open(database: PostgresDatabase, log: String,
                            create: @escaping @Sendable () throws -> (identity: LogIdentity, emptyCheckpoint: String)) async throws -> PostgresLogStore {
        let tables = try PostgresLogTables(prefix: log)
        let logger = database.logger
        let identity: LogIdentity = try await PostgresDatabase.answering(within: .seconds(120), what: "opening the \(log) log") {
            try await database.transaction { connection in
            try await PostgresDatabase.exemptFromIdleTimeout(connection, logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresDatabase.schemaLockKey))", logger: logger)
            for statement in tables.schema { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            if let stored = try await Self.readIdentity(connection, tables, logger) { return stored }
            let (identity, empty) = try create()
            try await connection.query("""
                INSERT INTO \(unescaped: tables.meta) (key, value) VALUES ('log_id', \(identity.logID)), ('tree_id', \(String(identity.treeID))), ('origin', \(identity.origin))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO \(unescaped: tables.checkpoints) (tree_size, root_hash, note) VALUES (0, \(ByteBuffer(bytes: RFC6962.emptyTreeHash.bytes)), \(empty))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO \(unescaped: tables.sequencer) (id, holder, epoch, expires_at, tree_size) VALUES (1, '', 0, 'epoch', 0)
                """, logger: logger)
            return identity
            }
        }
        return PostgresLogStore(database: database, tables: tables, identity: identity)
    }

    /// Whether the database holds the log `log` yet.
    public static func exists(database: PostgresDatabase, log: String) async throws -> Bool {
        let tables = try PostgresLogTables(prefix: log)
        var found = false
        for try await _ in try await database.client.query("SELECT 1 FROM pg_tables WHERE tablename = \(tables.meta)").decode(Int.self) {
            found = true
        }
        return found
    }

    private static func readIdentity(_ connection: PostgresConnection, _ tables: PostgresLogTables, _ logger: Logger) async throws -> LogIdentity? {
        var values: [String: String] = [:]
        for try await (key, value) in try await connection.query("SELECT key, value FROM \(unescaped: tables.meta)", logger: logger).decode((String, String).self) {
            values[key] = value
        }
        if values.isEmpty { return nil }
        guard let logID = values["log_id"], let treeText = values["tree_id"], let treeID = Int64(treeText), let origin = values["origin"] else {
            throw PostgresDatabase.Failure("\(tables.meta) lacks log_id, tree_id or origin")
        }
        return LogIdentity(logID: logID, treeID: treeID, origin: origin)
    }

    public func identity() -> LogIdentity { storedIdentity }

    /// Releases this store's use of the shared pool (the last store closes it).
    public func close() throws {
        let wasClosed = closed.withLock { closed -> Bool in
            defer { closed = true }
            return closed
        }
        if !wasClosed { database.release() }
    }

    // MARK: Writing

    /// Commits a batch in one transaction, fenced by this replica's lease (see the type's comment).
    /// Throws `NotSequencer` when this replica does not hold the lease or lost it, having written
    /// nothing; ``AlreadyStored`` when an entry of the batch is in the log.
    public func append(_ batch: AppendBatch) async throws {
        guard let fence = fence.withLock({ $0 }) else {
            throw NotSequencer(reason: "this replica does not hold the \(tables.prefix) sequencer lease")
        }
        let firstIndex = batch.treeSize - Int64(batch.entries.count)
        let tables = self.tables
        let logger = self.logger
        let database = self.database
        do {
            try await PostgresDatabase.answering(within: commitTimeout, what: "committing \(tables.prefix) entries up to tree size \(batch.treeSize)") {
            try await database.transaction { connection in
                // The fence and the compare-and-set in one statement. It takes the coordination row's
                // lock until this transaction ends: no lease changes hands while the batch is written.
                var fenced = true
                for try await _ in try await connection.query("""
                    UPDATE \(unescaped: tables.sequencer) SET tree_size = \(batch.treeSize)
                    WHERE id = 1 AND holder = \(fence.holder) AND epoch = \(fence.epoch) AND tree_size = \(firstIndex)
                      AND expires_at > clock_timestamp()
                    RETURNING epoch
                    """, logger: logger).decode(Int64.self) {
                    fenced = false
                }
                if fenced { throw NotSequencer(reason: try await Self.whyFenced(connection, tables, fence, firstIndex, logger)) }
                let stored = try await Self.stored(batch.entries.map(\.leafHash), connection, tables, logger)
                guard stored.isEmpty else { throw AlreadyStored(entries: stored) }
                try await Self.insert(batch, epoch: fence.epoch, connection, tables, logger)
            }
            }
        } catch let error as NotSequencer {
            self.fence.withLock { if $0 == fence { $0 = nil } }
            throw error
        }
    }

    private static func whyFenced(_ connection: PostgresConnection, _ tables: PostgresLogTables, _ fence: SequencerFence,
                                  _ firstIndex: Int64, _ logger: Logger) async throws -> String {
        for try await (holder, epoch, size, live) in try await connection.query("""
            SELECT holder, epoch, tree_size, expires_at > clock_timestamp() FROM \(unescaped: tables.sequencer) WHERE id = 1
            """, logger: logger).decode((String, Int64, Int64, Bool).self) {
            if epoch != fence.epoch || !Array(holder.utf8).elementsEqual(Array(fence.holder.utf8)) {
                return "the sequencer lease of \(tables.prefix) passed to another replica (epoch \(epoch)); this replica held epoch \(fence.epoch)"
            }
            if !live { return "the sequencer lease of \(tables.prefix) (epoch \(epoch)) expired before the batch was written" }
            return "the \(tables.prefix) tree is at size \(size), not \(firstIndex) as this sequencer believed"
        }
        return "the \(tables.prefix) coordination row is missing"
    }

    private static func insert(_ batch: AppendBatch, epoch: Int64, _ connection: PostgresConnection, _ tables: PostgresLogTables, _ logger: Logger) async throws {
        var indexes: [Int64] = [], leafHashes: [ByteBuffer] = [], bodies: [ByteBuffer] = [], times: [Int64] = []
        var kinds: [String] = [], extras: [ByteBuffer] = [], hasExtra: [Bool] = [], treeRows: [ByteBuffer] = []
        for (entry, hashes) in zip(batch.entries, batch.treeHashes) {
            indexes.append(entry.index)
            leafHashes.append(ByteBuffer(bytes: entry.leafHash.bytes))
            bodies.append(ByteBuffer(bytes: entry.body))
            times.append(entry.integratedTime)
            kinds.append(entry.kind)
            extras.append(ByteBuffer(bytes: entry.extra ?? []))
            hasExtra.append(entry.extra != nil)
            var row = ByteBuffer()
            row.reserveCapacity(hashes.count * Hash.byteCount)
            for hash in hashes { hash.withUnsafeBytes { _ = row.writeBytes($0) } }
            treeRows.append(row)
        }
        // One statement per table for the whole batch: rows travel as arrays and are unnested.
        try await connection.query("""
            INSERT INTO \(unescaped: tables.entries) (idx, leaf_hash, body, integrated_time, kind, extra)
            SELECT i, h, b, t, k, CASE WHEN x THEN e END
            FROM unnest(\(indexes)::bigint[], \(leafHashes)::bytea[], \(bodies)::bytea[], \(times)::bigint[], \(kinds)::text[], \(extras)::bytea[], \(hasExtra)::bool[]) AS u(i, h, b, t, k, e, x)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO \(unescaped: tables.tree) (idx, hashes) SELECT * FROM unnest(\(indexes)::bigint[], \(treeRows)::bytea[])
            """, logger: logger)
        if !batch.searchRows.isEmpty {
            try await connection.query("""
                INSERT INTO \(unescaped: tables.search) (key, idx) SELECT * FROM unnest(\(batch.searchRows.map(\.key))::text[], \(batch.searchRows.map(\.index))::bigint[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        try await connection.query("""
            INSERT INTO \(unescaped: tables.checkpoints) (tree_size, root_hash, note, epoch) VALUES (\(batch.treeSize), \(ByteBuffer(bytes: batch.rootHash.bytes)), \(batch.checkpoint), \(epoch))
            """, logger: logger)
        if !batch.resolutions.isEmpty {
            // Forwarded entries learn their outcome in the same commit that decides it; the
            // notification is delivered with the commit, waking the replicas that wait.
            try await connection.query("""
                UPDATE \(unescaped: tables.pending) AS p SET result_idx = u.i, created = u.c, resolved_at = clock_timestamp()
                FROM unnest(\(batch.resolutions.map(\.ticket))::bigint[], \(batch.resolutions.map(\.index))::bigint[], \(batch.resolutions.map(\.created))::bool[]) AS u(t, i, c)
                WHERE p.ticket = u.t AND p.result_idx IS NULL
                """, logger: logger)
            try await connection.query("SELECT pg_notify(\(tables.prefix + "_resolved"), '')", logger: logger)
        }
    }

    /// The entries among `leafHashes` that are stored, keyed by leaf hash.
    static func stored(_ leafHashes: [Hash], _ connection: PostgresConnection, _ tables: PostgresLogTables,
                       _ logger: Logger) async throws -> [Hash: StoredEntry] {
        var found: [Hash: StoredEntry] = [:]
        let rows = try await connection.query("""
            SELECT idx, leaf_hash, body, integrated_time, kind, extra FROM \(unescaped: tables.entries)
            WHERE leaf_hash = ANY(\(leafHashes.map { ByteBuffer(bytes: $0.bytes) })::bytea[])
            """, logger: logger)
        for try await row in rows.decode(EntryRow.self) {
            let entry = try Self.entry(from: row)
            found[entry.leafHash] = entry
        }
        return found
    }

    typealias EntryRow = (Int64, ByteBuffer, ByteBuffer, Int64, String, ByteBuffer?)

    static func entry(from row: EntryRow) throws -> StoredEntry {
        guard let leafHash = Hash(row.1.readableBytesView) else { throw PostgresDatabase.Failure("leaf hash at index \(row.0) is not 32 bytes") }
        return StoredEntry(index: row.0, leafHash: leafHash, body: Array(row.2.readableBytesView), integratedTime: row.3,
                           kind: row.4, extra: row.5.map { Array($0.readableBytesView) })
    }
}

/// The lease a replica holds to sequence one log: who it is and the epoch it was granted. Every
/// fenced write names both.
public struct SequencerFence: Sendable, Equatable {
    public let holder: String
    public let epoch: Int64
}

/// The table names of one log in a shared database, and their schema.
struct PostgresLogTables: Sendable {
    let prefix: String

    init(prefix: String) throws {
        guard !prefix.isEmpty, prefix.utf8.count <= 40,
              prefix.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }) else {
            throw PostgresDatabase.Failure("log name \(prefix) must be 1 to 40 of a-z, 0-9 and _")
        }
        self.prefix = prefix
    }

    var meta: String { prefix + "_meta" }
    var entries: String { prefix + "_entries" }
    var tree: String { prefix + "_tree" }
    var search: String { prefix + "_search" }
    var checkpoints: String { prefix + "_checkpoints" }
    var sequencer: String { prefix + "_sequencer" }
    var pending: String { prefix + "_pending" }

    /// Schema version 1 of one log. Idempotent: run on every start, under the schema lock.
    var schema: [String] {
        [
            "CREATE TABLE IF NOT EXISTS \(meta) (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS \(entries) (idx BIGINT PRIMARY KEY, leaf_hash BYTEA NOT NULL UNIQUE, body BYTEA NOT NULL,
                integrated_time BIGINT NOT NULL, kind TEXT NOT NULL, extra BYTEA)
            """,
            "CREATE TABLE IF NOT EXISTS \(tree) (idx BIGINT PRIMARY KEY, hashes BYTEA NOT NULL)",
            "CREATE TABLE IF NOT EXISTS \(search) (key TEXT NOT NULL, idx BIGINT NOT NULL, PRIMARY KEY (key, idx))",
            // `epoch`: the sequencer lease under which the checkpoint was committed, an audit trail of
            // fencing (epochs never decrease as the tree grows).
            "CREATE TABLE IF NOT EXISTS \(checkpoints) (tree_size BIGINT PRIMARY KEY, root_hash BYTEA NOT NULL, note TEXT NOT NULL, epoch BIGINT NOT NULL DEFAULT 0)",
            """
            CREATE TABLE IF NOT EXISTS \(sequencer) (id INT PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, epoch BIGINT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL, tree_size BIGINT NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(pending) (ticket BIGSERIAL PRIMARY KEY, leaf_hash BYTEA NOT NULL UNIQUE, body BYTEA NOT NULL,
                kind TEXT NOT NULL, search_keys TEXT[] NOT NULL, extra BYTEA, result_idx BIGINT, created BOOLEAN, resolved_at TIMESTAMPTZ)
            """,
        ]
    }
}
