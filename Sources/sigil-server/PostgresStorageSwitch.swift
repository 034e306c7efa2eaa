import Foundation
import ServerSupport
import TransparencyLog
import WireFormat

/// Points a data folder's log settings (`config/log.json`) at a PostgreSQL database, so that
/// `sigil-server log --data DIR` uses it from its next start: `storage`, `postgresURL` and, when one
/// is given, `postgresPasswordFile`. A password typed into the URL is never written: the URL is
/// stored without it, and the command says a password file is needed.
enum PostgresStorageSwitch {
    /// Rewrites the settings file, keeping every other setting. Returns a note for the operator
    /// when the URL's password was left out.
    static func apply(to folder: DataFolder, urlText: String, passwordFile: String?) throws -> String? {
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
        let stored = PostgresURL.redact(urlText)
        members["storage"] = "postgres"
        members["postgresURL"] = .string(stored)
        if let passwordFile {
            members["postgresPasswordFile"] = .string(URL(fileURLWithPath: passwordFile).standardizedFileURL.path)
        }
        try Data(ReadableJSON.encode(.object(members))).write(to: file, options: .atomic)
        guard !Array(stored.utf8).elementsEqual(Array(urlText.utf8)), passwordFile == nil else { return nil }
        return "the password in --postgres-url was not written to \(file.path); set postgresPasswordFile there (or SIGIL_LOG_POSTGRES_PASSWORD_FILE)"
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
            _ = try await PostgresLogStore.open(database: database, log: name) { (identity, empty) }
            created.append(name)
        }
        return created
    }
}
