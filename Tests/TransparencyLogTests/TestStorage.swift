import Foundation
import Synchronization
import TestSupport
@testable import TransparencyLog

/// The storage backend the log tests run on: SQLite by default, PostgreSQL when
/// `SIGIL_TEST_LOG_STORAGE=postgres` (`.ci/run` runs this suite both ways).
///
/// Every test log is still created as an empty SQLite file first, the way `sigil-server init`
/// creates one. On PostgreSQL that file is only the template: each template gets its own database
/// of the test process's server, created from the template's identity and signed empty checkpoint,
/// exactly as `sigil-server log` does on first start.
enum TestStorage {
    static let backend: String = {
        let chosen = ProcessInfo.processInfo.environment["SIGIL_TEST_LOG_STORAGE"] ?? "sqlite"
        precondition(["sqlite", "postgres"].contains(chosen), "SIGIL_TEST_LOG_STORAGE must be sqlite or postgres, not \(chosen)")
        return chosen
    }()

    static var isPostgres: Bool { backend == "postgres" }

    /// Template path → the URL of the database created for it.
    private static let databases = Mutex<[String: String]>([:])
    /// Template path and log name → the store tests read through.
    private static let readers = Mutex<[String: any LogStore]>([:])

    /// The log created at `templatePath`, on the selected backend. On PostgreSQL each call is a new
    /// connection pool; with `sequencing` it takes the sequencer lease (as a restarted single
    /// replica would), so the store opened last that way is the one that may write.
    static func openStore(templatePath: String, log: String, sequencing: Bool = true) async throws -> any LogStore {
        guard isPostgres else { return try SQLiteLogStore.open(path: templatePath) }
        if !sequencing, let reader = readers.withLock({ $0[templatePath + "#" + log] }) { return reader }
        let url = try PostgresURL(parsing: try await databaseURL(for: templatePath))
        // A generous deadline: under the whole suite's parallel load, other tests' blocking waits
        // can hold this 2-core machine's cooperative threads for a minute and more.
        let database = try await PostgresDatabase.connect(url: url, poolSize: 4, sessionTimeout: .seconds(60), timeout: .seconds(600))
        let (identity, empty) = try await genesis(templatePath)
        let store = try await PostgresLogStore.open(database: database, log: log) { (identity, empty) }
        guard sequencing else {
            // One reading pool per log: tests read after every append, and a pool per read would
            // run the server out of connections.
            return readers.withLock { readers in
                if let raced = readers[templatePath + "#" + log] { return raced }
                readers[templatePath + "#" + log] = store
                return store
            }
        }
        guard let fence = try await store.acquireLease(holder: "test-" + url.database, duration: .seconds(3600)) else {
            throw PostgresDatabase.Failure("the test's \(log) lease is held by someone else")
        }
        store.setFence(fence)
        return store
    }

    /// Runs a statement against the stored log, to tamper with it: `sqlite` on the SQLite file,
    /// `postgres` (table names prefixed with the log's name) in the template's database.
    static func tamper(templatePath: String, sqlite: String, postgres: String) async throws {
        if isPostgres {
            let url = try PostgresURL(parsing: try await databaseURL(for: templatePath))
            _ = try await offCooperativePool { try TemporaryPostgres.shared().psql(url.database, postgres) }
        } else {
            try await SQLiteLogStore.open(path: templatePath).pool.write { db in try db.execute(sql: sqlite) }
        }
    }

    /// Off Swift's cooperative pool: the first call starts the shared server (seconds), every new
    /// template runs `createdb`.
    private static func databaseURL(for templatePath: String) async throws -> String {
        if let known = databases.withLock({ $0[templatePath] }) { return known }
        let created = try await offCooperativePool { try TemporaryPostgres.shared().createDatabase() }
        return databases.withLock { known in
            if let raced = known[templatePath] { return raced }
            known[templatePath] = created
            return created
        }
    }

    /// The template's identity and signed empty checkpoint.
    private static func genesis(_ templatePath: String) async throws -> (LogIdentity, String) {
        let sqlite = try SQLiteLogStore.open(path: templatePath)
        defer { try? sqlite.close() }
        guard let empty = try await sqlite.checkpoint(treeSize: 0) else {
            throw PostgresDatabase.Failure("\(templatePath) has no empty checkpoint")
        }
        return (sqlite.identity(), empty)
    }
}
