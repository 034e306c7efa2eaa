import ServerSupport
import TransparencyLog

/// The log server's storage settings: `storage` (`sqlite`, the default, or `postgres`) and, for
/// PostgreSQL, `postgresURL`, `postgresPasswordFile`, `postgresPoolSize`, the sequencer lease and
/// this replica's name. The URL's password, if it has one, is never printed.
struct LogStorageSettings {
    enum Backend: Equatable { case sqlite, postgres }

    let backend: Backend
    let postgresURL: PostgresURL?
    let poolSize: Int
    let leaseMilliseconds: Int
    let replicaID: String?

    static let keys: Set<String> = ["storage", "postgresURL", "postgresPasswordFile", "postgresPoolSize",
                                    "sequencerLeaseMilliseconds", "replicaID"]

    static func load(_ reader: SettingsReader) throws(ConfigurationError) -> Self {
        let storage = try reader.choice("storage", default: "sqlite", among: ["sqlite", "postgres"])
        let poolSize = try reader.integer("postgresPoolSize", default: 10, range: 2...200)
        let lease = try reader.integer("sequencerLeaseMilliseconds", default: 3_000, range: 500...60_000)
        let replicaID = try reader.optionalString("replicaID")
        guard storage == "postgres" else {
            for key in ["postgresURL", "postgresPasswordFile"] where reader.has(key) {
                throw ConfigurationError(source: reader.origin(of: key, flag: nil, flagSet: false), field: key,
                                         problem: "is set, but storage is sqlite; set storage to postgres (SIGIL_LOG_STORAGE=postgres) to use it")
            }
            return LogStorageSettings(backend: .sqlite, postgresURL: nil, poolSize: poolSize, leaseMilliseconds: lease, replicaID: replicaID)
        }
        guard let text = try reader.optionalString("postgresURL") else {
            throw ConfigurationError(source: reader.origin(of: "storage", flag: nil, flagSet: false), field: "postgresURL",
                                     problem: "storage is postgres, so postgresURL (SIGIL_LOG_POSTGRES_URL) must name the database: postgres://user@host:port/database")
        }
        let passwordFile = try reader.optionalString("postgresPasswordFile")
        let url: PostgresURL
        do { url = try PostgresURL(parsing: text, passwordFile: passwordFile) } catch {
            let key = passwordFile != nil && error.description.contains("password file") ? "postgresPasswordFile" : "postgresURL"
            throw ConfigurationError(source: reader.origin(of: key, flag: nil, flagSet: false), field: key, problem: error.description)
        }
        return LogStorageSettings(backend: .postgres, postgresURL: url, poolSize: poolSize, leaseMilliseconds: lease, replicaID: replicaID)
    }
}
