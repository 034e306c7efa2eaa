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
            server holds it. Each log (the Rekor log, the CT log, the Rekor v2 log) is copied in one
            transaction; before it commits, the copy's tree is rebuilt from its leaves and every
            stored tree hash, every checkpoint's root and the final root must match, or nothing is
            kept. The database must not hold these logs yet. Afterwards config/log.json says
            storage postgres; the SQLite files stay as they were (a backup; the servers no longer
            write them).
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
        try DataFolderLock.acquire(folder.root, holder: "sigil-server log")
        let url: PostgresURL
        do { url = try PostgresURL(parsing: postgresURL, passwordFile: postgresPasswordFile) } catch {
            throw ServerError("--postgres-url: \(error)")
        }
        var logger = Logger(label: "sigil.migrate")
        logger.logLevel = .error
        let database: PostgresDatabase
        do { database = try await PostgresDatabase.connect(url: url, logger: logger) } catch {
            throw ServerError("refusing to migrate: \(PostgresDatabase.describe(error))")
        }
        defer { database.shutdown() }
        let logs = PostgresStorageSwitch.logs(of: folder)
        // All or none: refuse before copying anything when the database holds any of them.
        try await PostgresStorageSwitch.requireNoLogs(logs.map(\.0), in: database)
        var copied: [String] = []
        for (name, file) in logs {
            let source: SQLiteLogStore
            do { source = try SQLiteLogStore.open(path: file.path) } catch { throw ServerError("\(file.path): \(error)") }
            defer { try? source.close() }
            let started = ContinuousClock.now
            do {
                let report = try await PostgresLogStore.importing(source, into: database, log: name) { done, total in
                    if total >= 100_000, done % 100_000 == 0 || done == total { print("  \(name): \(done) of \(total) entries copied") }
                }
                let seconds = (ContinuousClock.now - started).components.seconds
                print("Copied \(file.lastPathComponent) → \(url.redacted) (\(name)_*): \(report.treeSize) entries, \(report.searchRows) search rows, "
                      + "\(report.checkpoints) checkpoints in \(seconds) s; root \(report.rootHash.hex) verified")
                copied.append(name)
            } catch {
                let kept = copied.isEmpty ? "" : " (already copied and kept: \(copied.joined(separator: ", ")); drop their tables to start over)"
                throw ServerError("copying \(file.path) failed, nothing of it was kept\(kept): \(PostgresDatabase.describe(error))")
            }
        }
        guard !noSwitch else {
            print("config/log.json left unchanged (--no-switch)")
            return
        }
        let note = try PostgresStorageSwitch.apply(to: folder, urlText: postgresURL, passwordFile: postgresPasswordFile)
        print("Switched \(folder.serverConfig("log").path) to storage postgres; start `sigil-server log --data \(folder.root.path)`")
        if let note { print("note: \(note)") }
    }
}
