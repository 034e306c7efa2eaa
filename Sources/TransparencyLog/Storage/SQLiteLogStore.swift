import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Merkle

/// `LogStore` on one SQLite file through GRDB: WAL journal, `synchronous = FULL`, one write
/// transaction per batch, concurrent readers.
///
/// Tables: `entries` (one row per leaf: the canonical body as stored and hashed), `tree` (per leaf,
/// the stored hashes its append created, concatenated), `search` and `search_keys` (key → index, see
/// `SQLiteLogStore+SearchIndex.swift`), `checkpoints`
/// (every published signed checkpoint by tree size) and `meta` (the log's identity).
public final class SQLiteLogStore: LogStore {
    let pool: DatabasePool
    public let path: String
    let checkpointer: WALCheckpointer
    private let storedIdentity: LogIdentity

    /// Why the store could not be opened or created.
    public enum StoreError: Error, CustomStringConvertible {
        case missing(path: String)
        case alreadyExists(path: String)
        case corrupt(String)

        public var description: String {
            switch self {
            case .missing(let path): "no log database at \(path) (run `sigil-server init` first)"
            case .alreadyExists(let path): "a log database already exists at \(path); refusing to overwrite it"
            case .corrupt(let why): "log database is inconsistent: \(why)"
            }
        }
    }

    /// The one way a store comes to be: `identity` either reads the identity of an existing database
    /// or creates the database and returns the identity it stored.
    private init(path: String, walRestartFrames: Int, walCheckpointInterval: DispatchTimeInterval,
                 identity: (DatabasePool) throws -> LogIdentity) throws {
        let pool = try DatabasePool(path: path, configuration: Self.configuration())
        // Read once here, synchronously: opening is start-up work, before anything awaits the store.
        self.storedIdentity = try identity(pool)
        self.pool = pool
        self.path = path
        self.checkpointer = try WALCheckpointer(path: path, interval: walCheckpointInterval, restartFrames: walRestartFrames)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Page reads dominate appends and proofs once the file outgrows SQLite's 2 MB default
            // cache: keep 64 MB of pages per connection and read the rest through mmap, not read(2).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            // Copying the WAL back into the database happens on another connection and thread
            // (`WALCheckpointer`), not inside the commits that acknowledge entries.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        configuration.maximumReaderCount = 8
        // Connections briefly wait on each other (the checkpointer, a second process opening the
        // file) instead of failing with SQLITE_BUSY.
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Copies the whole WAL back into the database file, then closes every connection: a cleanly
    /// stopped log is one self-contained file.
    public func close() throws {
        try checkpointer.close()
        try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try pool.close()
    }

    /// Opens an existing database. Fails if it does not exist: the log never creates state silently.
    public static func open(path: String) throws -> SQLiteLogStore {
        try open(path: path, walRestartFrames: WALCheckpointer.defaultRestartFrames, walCheckpointInterval: WALCheckpointer.defaultInterval)
    }

    /// `open` with the WAL checkpointer's tuning (tests use small values).
    static func open(path: String, walRestartFrames: Int, walCheckpointInterval: DispatchTimeInterval) throws -> SQLiteLogStore {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        return try SQLiteLogStore(path: path, walRestartFrames: walRestartFrames, walCheckpointInterval: walCheckpointInterval) { pool in
            try Self.upgradeSearchIndex(pool)
            return try pool.read(Self.readIdentity)
        }
    }

    /// Creates a new, empty log database with its identity and the signed checkpoint of the empty tree.
    public static func create(path: String, identity: LogIdentity, emptyCheckpoint: String) throws -> SQLiteLogStore {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.alreadyExists(path: path) }
        return try SQLiteLogStore(path: path, walRestartFrames: WALCheckpointer.defaultRestartFrames,
                                  walCheckpointInterval: WALCheckpointer.defaultInterval) { pool in
            try pool.write { db in
                try db.execute(sql: Self.schema)
                try db.execute(sql: Self.searchSchema)
                try db.execute(sql: "PRAGMA user_version = \(Self.layoutVersion)")
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('log_id', ?), ('tree_id', ?), ('origin', ?)",
                               arguments: [identity.logID, String(identity.treeID), identity.origin])
                try db.execute(sql: "INSERT INTO checkpoints(tree_size, root_hash, note) VALUES (0, ?, ?)",
                               arguments: [Data(RFC6962.emptyTreeHash.bytes), emptyCheckpoint])
            }
            return identity
        }
    }

    static let schema = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE entries (
            idx INTEGER PRIMARY KEY,
            leaf_key INTEGER NOT NULL,
            leaf_hash BLOB NOT NULL,
            body BLOB NOT NULL,
            integrated_time INTEGER NOT NULL,
            kind TEXT NOT NULL,
            extra BLOB
        );
        CREATE INDEX entries_by_leaf ON entries(leaf_key);
        CREATE TABLE tree (idx INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
        CREATE TABLE checkpoints (tree_size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL, note TEXT NOT NULL);
        """

    public func identity() -> LogIdentity { storedIdentity }

    static func readIdentity(_ db: Database) throws -> LogIdentity {
        let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM meta")
        var values: [String: String] = [:]
        for row in rows { values[row["key"]] = row["value"] }
        guard let logID = values["log_id"], let treeText = values["tree_id"], let treeID = Int64(treeText),
              let origin = values["origin"] else {
            throw StoreError.corrupt("meta table lacks log_id, tree_id or origin")
        }
        return LogIdentity(logID: logID, treeID: treeID, origin: origin)
    }

    public func append(_ batch: AppendBatch) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction {
                // Checked inside the write transaction, so no entry can be stored twice.
                let stored = try Self.stored(batch.entries.map(\.leafHash), in: db)
                guard stored.isEmpty else { throw AlreadyStored(entries: stored) }
                try Self.insert(batch, into: db)
                return .commit
            }
            // ← committed. A failure from here on must not reach the sequencer as a failed commit.
            if checkpointer.takeRestartRequest() { _ = try? db.checkpoint(.passive) }
        }
        checkpointer.schedule()
    }

    private static func insert(_ batch: AppendBatch, into db: Database) throws {
        let insertEntry = try db.cachedStatement(sql: "INSERT INTO entries(idx, leaf_key, leaf_hash, body, integrated_time, kind, extra) VALUES (?, ?, ?, ?, ?, ?, ?)")
        let insertTree = try db.cachedStatement(sql: "INSERT INTO tree(idx, hashes) VALUES (?, ?)")
        // The per-entry inserts bind straight from our buffers (see `BoundStatement`): at ~100k
        // entries/s, GRDB's argument arrays and the `Data` copies were a tenth of the append.
        var entryRow = BoundStatement(insertEntry.sqliteStatement)
        var treeRow = BoundStatement(insertTree.sqliteStatement)
        var blob: [UInt8] = []
        for (entry, hashes) in zip(batch.entries, batch.treeHashes) {
            entryRow.bind(1, entry.index)
            entryRow.bind(2, Self.leafKey(entry.leafHash))
            entryRow.bind(5, entry.integratedTime)
            entryRow.bind(6, text: entry.kind)
            try entry.leafHash.withUnsafeBytes { leafHash in
                try entry.body.withUnsafeBytes { body in
                    entryRow.bind(3, leafHash)
                    entryRow.bind(4, body)
                    if let extra = entry.extra {
                        try extra.withUnsafeBytes { entryRow.bind(7, $0); try entryRow.step(db) }
                    } else {
                        entryRow.bindNull(7)
                        try entryRow.step(db)
                    }
                }
            }
            blob.removeAll(keepingCapacity: true)
            for hash in hashes { hash.withUnsafeBytes { blob.append(contentsOf: $0) } }
            treeRow.bind(1, entry.index)
            try blob.withUnsafeBytes { treeRow.bind(2, $0); try treeRow.step(db) }
        }
        try insert(searchRows: batch.searchRows, into: db)
        try db.execute(sql: "INSERT INTO checkpoints(tree_size, root_hash, note) VALUES (?, ?, ?)",
                       arguments: [batch.treeSize, Data(batch.rootHash.bytes), batch.checkpoint])
    }

    /// The first 8 bytes of a leaf hash as an integer: the index key for lookups by leaf hash. An
    /// integer key keeps the index a quarter of the size of one on the whole hash; the sequencer, the
    /// only writer, is what keeps leaf hashes unique.
    static func leafKey(_ hash: Hash) -> Int64 {
        hash.withUnsafeBytes(indexKey)
    }

    /// The first 8 bytes of a hash as a big-endian integer: the key of the leaf and search indexes.
    static func indexKey(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// The leaf whose append stored hash `storedIndex`, and its position within that leaf's row.
    static func location(ofStoredHash storedIndex: Int64) -> (leaf: Int64, offset: Int) {
        let (level, index) = StoredHashes.split(storedIndex)
        // A level-L node is completed by the last leaf of its subtree.
        let leaf = ((index + 1) << Int64(level)) - 1
        let offset = Int(storedIndex - StoredHashes.index(level: 0, index: leaf))
        return (leaf, offset)
    }
}
