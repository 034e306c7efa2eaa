import ArgumentParser
import Foundation
import Logging
import TransparencyLog

/// `sigil-server migrate`: moves a data folder's logs between storage engines.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a data folder's logs to another storage engine.",
        subcommands: [MigrateSQLiteToPostgres.self])
}

/// `sigil-server migrate sqlite-to-postgres`: copies the folder's SQLite logs into PostgreSQL,
/// checks each copy against a tree recomputed from its leaves, and only then switches the folder's
/// log settings to the database.
struct MigrateSQLiteToPostgres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqlite-to-postgres",
        abstract: "Copy the folder's logs (entries, tree hashes, search index, checkpoints) into PostgreSQL, verify, then switch to it.",
        discussion: """
            Stop the log server first: the copy takes the folder's lock, so it is refused while a
            server holds it, and it is refused for a folder whose settings are not SQLite's. Each log (the Rekor log, the CT log, the Rekor v2 log) is copied in one
            transaction; before it commits, the copy's tree is rebuilt from its leaves and every
            stored tree hash, every checkpoint's root and the final root must match, or nothing is
            kept; all logs arrive together or none does. The database must not hold these logs yet.
            Afterwards config/log.json says storage postgres, and the SQLite files are kept as a
            backup marked as moved: no server runs on them and no migration copies them again.
            Example: sigil-server migrate sqlite-to-postgres --data ./.sigil \\
                       --postgres-url postgres://sigil@db:5432/sigil --postgres-password-file /run/secrets/pg
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "The database: postgres://user@host:port/database[?sslmode=disable|prefer|require].") var postgresURL: String
    @Option(help: "File whose first line is the database password.") var postgresPasswordFile: String?
    @Flag(help: "Copy and verify, but leave config/log.json on SQLite.") var noSwitch = false

    func run() async throws {
        let folder = DataFolder(path: options.data)
        guard folder.isInitialised else { throw ServerError("\(folder.root.path) holds no log (run `sigil-server init` first)") }
        try PostgresStorageSwitch.requireSQLiteSettings(folder)
        try DataFolderLock.acquire(folder.root, holder: "sigil-server log")
        let url: PostgresURL
        do { url = try PostgresURL(parsing: postgresURL, passwordFile: postgresPasswordFile) } catch {
            throw ServerError("--postgres-url: \(error)")
        }
        try PostgresStorageSwitch.requirePasswordFile(url, passwordFile: postgresPasswordFile, switching: !noSwitch)
        var logger = Logger(label: "sigil.migrate")
        logger.logLevel = .error
        let database: PostgresDatabase
        do { database = try await PostgresDatabase.connect(url: url, logger: logger) } catch {
            throw ServerError("refusing to migrate: \(PostgresDatabase.describe(error))")
        }
        defer { database.shutdown() }
        var sources: [(log: String, source: SQLiteLogStore)] = []
        defer { for (_, source) in sources { try? source.close() } }
        for (name, file) in PostgresStorageSwitch.logs(of: folder) {
            do { sources.append((name, try SQLiteLogStore.open(path: file.path))) } catch { throw ServerError("\(file.path): \(error)") }
        }
        // All or none: the logs are copied in one transaction.
        let started = ContinuousClock.now
        let reports: [LogImportReport]
        do {
            reports = try await PostgresLogStore.importing(sources, into: database) { name, done, total in
                if total >= 100_000, done % 100_000 == 0 || done == total { print("  \(name): \(done) of \(total) entries copied") }
            }
        } catch {
            throw ServerError("the copy failed and nothing of it was kept: \(PostgresDatabase.describe(error))")
        }
        let seconds = (ContinuousClock.now - started).components.seconds
        for report in reports {
            print("Copied the \(report.log) log → \(url.redacted) (\(report.log)_*): \(report.treeSize) entries, \(report.searchRows) search rows, "
                  + "\(report.checkpoints) checkpoints; root \(report.rootHash.hex) verified")
        }
        print("(\(seconds) s)")
        guard !noSwitch else {
            print("config/log.json left unchanged (--no-switch); the SQLite logs stay in use")
            return
        }
        try PostgresStorageSwitch.apply(to: folder, urlText: postgresURL, passwordFile: postgresPasswordFile)
        // From now on the SQLite files are a backup: marked, so no server serves them and no
        // migration copies them again (either would let the same key sign two different trees).
        for (_, source) in sources { try await source.markMoved(to: url.redacted) }
        print("Switched \(folder.serverConfig("log").path) to storage postgres; start `sigil-server log --data \(folder.root.path)`")
        print("The SQLite log files are kept as a backup, marked as moved: servers refuse to run on them.")
    }
}
