import Foundation
import Merkle
import SigstoreKit
import TestSupport
@testable import TransparencyLog

/// A log in a fresh database of the test process's PostgreSQL server, created the way
/// `sigil-server log` creates one: from an empty SQLite log's identity and signed empty checkpoint.
struct PostgresTestLog {
    let template: TestLog
    let server: TemporaryPostgres
    let url: PostgresURL
    let databaseName: String

    /// In a fresh database of `server`, by default the test process's shared one.
    init(server: TemporaryPostgres? = nil, configure: (inout LogConfiguration) -> Void = { _ in }) throws {
        template = try TestLog(configure: configure)
        self.server = try server ?? TemporaryPostgres.shared()
        let text = try self.server.createDatabase()
        url = try PostgresURL(parsing: text)
        databaseName = url.database
    }

    /// A log in a fresh database of the shared server, made off Swift's cooperative pool: the first
    /// call starts the server (`initdb`, `pg_ctl`: seconds) and every call runs `createdb`, and a
    /// blocked cooperative thread on this 2-core machine stalls every other test's server.
    static func make() async throws -> PostgresTestLog {
        try await offCooperativePool { try PostgresTestLog() }
    }

    /// A new connection pool, as one replica process would have.
    func connect(sessionTimeout: Duration = .seconds(3)) async throws -> PostgresDatabase {
        try await Self.connect(url, sessionTimeout: sessionTimeout)
    }

    static func connect(_ url: PostgresURL, sessionTimeout: Duration = .seconds(3)) async throws -> PostgresDatabase {
        // A generous deadline: under the whole suite's parallel load, other tests' blocking waits can
        // hold this 2-core machine's cooperative threads for a minute and more.
        try await PostgresDatabase.connect(url: url, poolSize: 8, sessionTimeout: sessionTimeout, timeout: .seconds(600))
    }

    func openStore(_ database: PostgresDatabase, log: String = "rekor") async throws -> PostgresLogStore {
        let (identity, empty) = try await genesis()
        return try await PostgresLogStore.open(database: database, log: log) { (identity, empty) }
    }

    /// The template's identity and signed empty checkpoint, read from a separate SQLite connection
    /// (a second, parallel reader of the template file would contend with its writer).
    private func genesis() async throws -> (LogIdentity, String) {
        let sqlite = try SQLiteLogStore.open(path: template.databasePath)
        defer { try? sqlite.close() }
        return (sqlite.identity(), try await sqlite.checkpoint(treeSize: 0)!)
    }

    func service(store: PostgresLogStore) async throws -> LogService {
        try await LogService(store: store, signingKey: template.key, configuration: template.configuration)
    }
}
