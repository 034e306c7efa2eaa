import Foundation
import Logging
import ServerSupport
import TransparencyLog

/// Opens the data folder's logs in a shared PostgreSQL database instead of its SQLite files.
///
/// The database is the state; the folder still holds the keys (replicas use copies of it, or one
/// folder read-only: no folder lock is taken). A log missing from the database is created on first
/// start from the folder's empty SQLite log of the same name: same log ID, tree ID, origin and signed
/// empty checkpoint, so the trust files written by `sigil-server init` stay valid. A folder whose
/// SQLite log already holds entries is refused rather than forked.
struct PostgresLogs {
    let database: PostgresDatabase
    let settings: LogStorageSettings
    let logger: Logger

    /// Connects, checking the server answers and its schema is one this build understands.
    static func connect(_ settings: LogStorageSettings, common: CommonSettings, logger: Logger) async throws -> PostgresLogs {
        guard let url = settings.postgresURL else { throw common.dataError("storage is postgres but no postgresURL is set") }
        do {
            let database = try await PostgresDatabase.connect(url: url, poolSize: settings.poolSize,
                                                              sessionTimeout: .milliseconds(settings.leaseMilliseconds), logger: logger)
            logger.info("log storage: PostgreSQL", metadata: ["database": "\(url.redacted)", "poolSize": "\(settings.poolSize)"])
            return PostgresLogs(database: database, settings: settings, logger: logger)
        } catch {
            throw ConfigurationError(source: common.reader.origin(of: "postgresURL", flag: nil, flagSet: false), field: "postgresURL",
                                     problem: "refusing to start: \(PostgresDatabase.describe(error))")
        }
    }

    /// The log stored under `log` (`rekor`, `ct`, `rekor_v2`), created from `template` (the folder's
    /// SQLite log) if the database lacks it. Nil when neither exists (a folder without that log).
    func store(_ log: String, template: URL, common: CommonSettings) async throws -> PostgresLogStore? {
        do {
            if try await PostgresLogStore.exists(database: database, log: log) {
                let store = try await PostgresLogStore.open(database: database, log: log) {
                    throw PostgresDatabase.Failure("log \(log) vanished while opening")
                }
                // The database's log must be this folder's (its keys sign it): never adopt another.
                if FileManager.default.fileExists(atPath: template.path) {
                    let sqlite = try SQLiteLogStore.open(path: template.path)
                    defer { try? sqlite.close() }
                    try PostgresStorageSwitch.requireSameLog(store.identity(), as: sqlite.identity(), name: log, database: database)
                }
                return store
            }
            guard FileManager.default.fileExists(atPath: template.path) else { return nil }
            let sqlite = try SQLiteLogStore.open(path: template.path)
            defer { try? sqlite.close() }
            if let destination = try await sqlite.movedTo() {
                throw PostgresDatabase.Failure("this folder's \(log) log lives in \(destination), and this database has none; point postgresURL there (creating it afresh here would fork it)")
            }
            let head = try await sqlite.latestTreeHead()
            guard head.treeSize == 0, let empty = try await sqlite.checkpoint(treeSize: 0) else {
                throw PostgresDatabase.Failure("\(template.path) already holds \(head.treeSize) entries, and the database has no \(log) log; copy it with `sigil-server migrate sqlite-to-postgres` (stop the servers first)")
            }
            let identity = sqlite.identity()
            return try await PostgresLogStore.open(database: database, log: log) { (identity, empty) }
        } catch {
            throw common.dataError("the \(log) log in \(database.url.redacted): \(PostgresDatabase.describe(error))")
        }
    }

    /// The replica coordination for one opened log, started (it tries for the lease once at once).
    func coordinator(store: PostgresLogStore, sequencer: Sequencer, log: String) async -> ReplicaCoordinator {
        var timing = ReplicaCoordinator.Settings()
        timing.lease = .milliseconds(settings.leaseMilliseconds)
        let coordinator = ReplicaCoordinator(store: store, sequencer: sequencer, logName: log,
                                             replicaID: settings.replicaID ?? ReplicaCoordinator.defaultReplicaID(),
                                             settings: timing, logger: logger)
        await coordinator.start()
        return coordinator
    }
}
