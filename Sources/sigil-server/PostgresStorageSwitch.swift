import Foundation
import ServerSupport
import TransparencyLog
import WireFormat

/// Points a data folder's log settings (`config/log.json`) at a PostgreSQL database, so that
/// `sigil-server log --data DIR` uses it from its next start: `storage`, `postgresURL` and, when one
/// is given, `postgresPasswordFile`. A password typed into the URL is never written (such a URL is
/// refused before anything is done, see `requirePasswordFile`).
enum PostgresStorageSwitch {
    /// Rewrites the settings file, keeping every other setting.
    static func apply(to folder: DataFolder, urlText: String, passwordFile: String?) throws {
        let file = folder.serverConfig("log")
        var members: [String: JSONValue] = [:]
        if FileManager.default.fileExists(atPath: file.path) {
            let bytes: Data
            do { bytes = try Data(contentsOf: file) } catch { throw ServerError("\(file.path): \(FileErrorReason.describe(error))") }
            guard case .object(let existing)? = try? JSONValue(parsing: bytes) else {
                throw ServerError("\(file.path) is not a JSON object; fix it, then set storage and postgresURL by hand")
            }
            members = existing
        }
        members["storage"] = "postgres"
        members["postgresURL"] = .string(PostgresURL.redact(urlText))
        if let passwordFile {
            members["postgresPasswordFile"] = .string(URL(fileURLWithPath: passwordFile).standardizedFileURL.path)
        }
        try Data(ReadableJSON.encode(.object(members))).write(to: file, options: .atomic)
    }

    /// Refuses to move a folder whose log server would not read `config/log.json` as SQLite: one
    /// already on PostgreSQL, or settings that come from the environment (which the switch cannot
    /// change, so the server would go on writing the SQLite log the copy was taken from).
    static func requireSQLiteSettings(_ folder: DataFolder) throws {
        let environment = ProcessInfo.processInfo.environment
        for variable in ["SIGIL_LOG_STORAGE", "SIGIL_LOG_CONFIG", "SIGIL_LOG_POSTGRES_URL"] where environment[variable] != nil {
            throw ServerError("\(variable) is set: the log server's storage is decided outside \(folder.serverConfig("log").path); unset it, and switch that setting yourself after the copy")
        }
        let file = folder.serverConfig("log")
        if let bytes = try? Data(contentsOf: file), let settings = try? JSONValue(parsing: bytes),
           case .string(let storage)? = settings["storage"], !Array(storage.utf8).elementsEqual(Array("sqlite".utf8)) {
            throw ServerError("\(file.path) already says storage \(storage); this folder's logs are not on SQLite")
        }
    }

    /// A password typed into the URL is never written to the settings file, so a switched server
    /// could not log in: such a URL needs the password in a file instead.
    static func requirePasswordFile(_ url: PostgresURL, passwordFile: String?, switching: Bool) throws {
        if switching, passwordFile == nil, url.password != nil {
            throw ServerError("--postgres-url carries a password, which is never written to config/log.json; put it in a file and pass --postgres-password-file")
        }
    }

    /// The folder's logs, by the names their tables take in the database.
    static func logs(of folder: DataFolder) -> [(name: String, file: URL)] {
        [("rekor", folder.logDatabase), ("ct", folder.ctDatabase), ("rekor_v2", folder.rekorV2Database)]
            .filter { FileManager.default.fileExists(atPath: $0.1.path) }
    }

    /// Refuses a database that already holds any of these logs: another folder's logs would be
    /// signed by other keys, and copying over them would fork them.
    static func requireNoLogs(_ names: [String], in database: PostgresDatabase) async throws {
        for name in names {
            let present: Bool
            do { present = try await PostgresLogStore.exists(database: database, log: name) } catch {
                throw ServerError("\(database.url.redacted): \(PostgresDatabase.describe(error))")
            }
            if present {
                throw ServerError("\(database.url.redacted) already holds a \(name) log; use a database without Sigil's logs")
            }
        }
    }

    /// Creates the folder's (empty) logs in the database, from their SQLite files: same log ID,
    /// tree ID, origin and signed empty checkpoint, as `sigil-server log` would on first start.
    static func createLogs(of folder: DataFolder, in database: PostgresDatabase) async throws -> [String] {
        var created: [String] = []
        for (name, file) in logs(of: folder) {
            let sqlite = try SQLiteLogStore.open(path: file.path)
            defer { try? sqlite.close() }
            guard let empty = try await sqlite.checkpoint(treeSize: 0) else { throw ServerError("\(file.path) has no empty checkpoint") }
            let identity = sqlite.identity()
            // Not closed: the last store closing would shut the caller's pool down.
            let store = try await PostgresLogStore.open(database: database, log: name) { (identity, empty) }
            // Another init racing this one may have created the log first, with other keys.
            try requireSameLog(store.identity(), as: identity, name: name, database: database)
            // The empty SQLite log was only the template: marked, no server will serve it.
            try await sqlite.markMoved(to: database.url.redacted)
            created.append(name)
        }
        return created
    }

    /// The log a database holds must be the folder's: same log ID (the key), tree ID and origin.
    static func requireSameLog(_ stored: LogIdentity, as folder: LogIdentity, name: String, database: PostgresDatabase) throws {
        guard Array(stored.logID.utf8) == Array(folder.logID.utf8), stored.treeID == folder.treeID,
              Array(stored.origin.utf8) == Array(folder.origin.utf8) else {
            throw ServerError("the \(name) log in \(database.url.redacted) is another log (log ID \(stored.logID), origin \(stored.origin)) than this folder's (log ID \(folder.logID), origin \(folder.origin))")
        }
    }
}
