import Foundation
import Logging
import NIOCore
import PostgresNIO
import NIOSSL
import Synchronization

/// One PostgreSQL database holding the server's logs (each under its own table prefix): the
/// connection pool every store of this process shares, kept running by a background task, and the
/// schema version the database must have.
///
/// `connect` fails closed: an unreachable server, refused credentials or a schema newer than this
/// build stop start-up with the reason. Credentials never appear in what it logs or throws.
public final class PostgresDatabase: Sendable {
    /// The schema version this build creates and understands. A database at a higher version was
    /// migrated by a newer sigil-server and is refused.
    public static let schemaVersion = 1

    let client: PostgresClient
    /// Where the database is (print `url.redacted`, never the password).
    public let url: PostgresURL
    let logger: Logger
    /// The lease time, which is also how long the server keeps a session idle in a transaction.
    let sessionTimeout: Duration
    private let runner: Mutex<Task<Void, Never>?>
    private let users = Mutex(0)
    private let metrics: PostgresPoolMetrics

    /// Why the database cannot be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// The database gave no answer within a deadline (`answering(within:what:_:)`), which
        /// may pass, as opposed to an answer this server cannot use.
        let isUnanswered: Bool

        public init(_ description: String) {
            self.init(description, isUnanswered: false)
        }

        init(_ description: String, isUnanswered: Bool) {
            self.description = description
            self.isUnanswered = isUnanswered
        }
    }

    private init(url: PostgresURL, poolSize: Int, sessionTimeout: Duration, logger: Logger) {
        var configuration: PostgresClient.Configuration
        if url.isUnixSocket {
            configuration = .init(unixSocketPath: "\(url.host)/.s.PGSQL.\(url.port)", username: url.username,
                                  password: url.password, database: url.database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch url.tls {
            case .disable: .disable
            case .prefer: .prefer(Self.tlsConfiguration(url))
            case .require: .require(Self.tlsConfiguration(url))
            }
            configuration = .init(host: url.host, port: url.port, username: url.username, password: url.password,
                                  database: url.database, tls: tls)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(5))
        let milliseconds = sessionTimeout.components.seconds * 1000 + sessionTimeout.components.attoseconds / 1_000_000_000_000_000
        // A replica stopped (SIGSTOP, a long pause) inside a transaction would hold the sequencer row
        // lock forever: the server ends such a session after the lease time, rolling the
        // transaction back, so another replica can take over and the paused one can never commit.
        configuration.options.additionalStartupParameters = [
            ("application_name", "sigil-log"),
            ("idle_in_transaction_session_timeout", "\(max(milliseconds, 100))"),
        ]
        self.url = url
        self.logger = logger
        self.sessionTimeout = sessionTimeout
        self.metrics = PostgresPoolMetrics(poolSize: poolSize)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = self.client
        self.runner = Mutex(Task { await client.run() })
    }

    /// Full verification of the server's certificate and host name, against `sslrootcert` when given.
    private static func tlsConfiguration(_ url: PostgresURL) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = url.rootCertificates { configuration.trustRoots = .file(file) }
        return configuration
    }

    private static func connectionConfiguration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        if url.isUnixSocket {
            return .init(unixSocketPath: "\(url.host)/.s.PGSQL.\(url.port)", username: url.username, password: url.password, database: url.database)
        }
        let tls: PostgresConnection.Configuration.TLS = switch url.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration(url)))
        case .require: .require(try NIOSSLContext(configuration: tlsConfiguration(url)))
        }
        return .init(host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
    }

    /// A connection outside the pool, for LISTEN (which holds its connection for as long as it listens).
    func listenerConnection() async throws -> PostgresConnection {
        let configuration = try Self.connectionConfiguration(url)
        let id = Self.listenerIDs.withLock { next -> Int in
            next += 1
            return next
        }
        return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
    }

    private static let listenerIDs = Mutex(1_000_000)

    /// Connects, checks that the server answers within `timeout`, and creates or checks the schema
    /// version table.
    public static func connect(url: PostgresURL, poolSize: Int = 10, sessionTimeout: Duration = .seconds(3),
                               timeout: Duration = .seconds(10), logger: Logger = Logger(label: "sigil.postgres")) async throws -> PostgresDatabase {
        let probeConfiguration: PostgresConnection.Configuration
        do { probeConfiguration = try connectionConfiguration(url) } catch {
            throw Failure("PostgreSQL at \(url.redacted): TLS settings: \(error)")
        }
        let database = PostgresDatabase(url: url, poolSize: poolSize, sessionTimeout: sessionTimeout, logger: logger)
        do {
            // One direct connection first: the pool retries a refused connection until the deadline,
            // losing the reason; this answers at once with it (refused, unknown host, bad login).
            try await answering(within: timeout, what: "connecting to PostgreSQL at \(url.redacted)") {
                let probe = try await PostgresConnection.connect(configuration: probeConfiguration, id: 0, logger: logger)
                try? await probe.close()
            }
            try await answering(within: timeout, what: "connecting to PostgreSQL at \(url.redacted)") {
                try await database.migrateSchemaVersion()
            }
        } catch {
            database.shutdown()
            if let failure = error as? Failure { throw failure }
            throw Failure("PostgreSQL at \(url.redacted): \(describe(error))")
        }
        return database
    }

    /// Creates the version table on an empty database; refuses a newer schema.
    private func migrateSchemaVersion() async throws {
        try await transaction { connection in
            try await Self.exemptFromIdleTimeout(connection, logger)
            // Replicas starting together create the schema once, one after the other.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.schemaLockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS sigil_schema (id INT PRIMARY KEY CHECK (id = 1), version INT NOT NULL)", logger: logger)
            var stored: Int?
            for try await version in try await connection.query("SELECT version FROM sigil_schema WHERE id = 1", logger: logger).decode(Int.self) {
                stored = version
            }
            switch stored {
            case nil:
                try await connection.query("INSERT INTO sigil_schema (id, version) VALUES (1, \(Self.schemaVersion))", logger: logger)
            case let version? where version > Self.schemaVersion:
                throw Failure("the database \(url.redacted) has schema version \(version), newer than this sigil-server understands (\(Self.schemaVersion)); run the sigil-server that migrated it, or a newer one")
            default:
                // Version 1 is the first; later versions add their migrations here.
                break
            }
        }
    }

    /// The schema version stored in the database.
    public func storedSchemaVersion() async throws -> Int? {
        var stored: Int?
        for try await version in try await client.query("SELECT version FROM sigil_schema WHERE id = 1").decode(Int.self) { stored = version }
        return stored
    }

    /// Runs `body` in one transaction on one pooled connection: committed if it returns, rolled back
    /// if it throws, with `body`'s own error rethrown (not wrapped), so callers can tell a fenced or
    /// duplicate batch from a database failure.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        let metrics = self.metrics
        let asked = ContinuousClock.now
        do {
            return try await client.withConnection { connection in
                let waited = ContinuousClock.now - asked
                metrics.wait.recordNanoseconds(waited.components.seconds * 1_000_000_000 + waited.components.attoseconds / 1_000_000_000)
                metrics.inUse.increment()
                defer { metrics.inUse.decrement() }
                try await connection.query("BEGIN", logger: logger)
                let result: T
                do { result = try await body(connection) } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                try await connection.query("COMMIT", logger: logger)
                return result
            }
        } catch {
            metrics.failures.increment()
            throw error
        }
    }

    /// Start-up transactions hold no sequencer lock, so a slow start (a loaded machine) must not get
    /// their session ended by the lease-length idle timeout: a connection the server ends inside a
    /// transaction was seen to leave postgres-nio's next query waiting forever.
    static func exemptFromIdleTimeout(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT set_config('idle_in_transaction_session_timeout', '600000', true)", logger: logger)
    }

    static let schemaLockKey: Int64 = 0x5349_4749_4C00_0001

    /// Registers a store using this database; `release` by the last one shuts the pool down.
    func retain() { users.withLock { $0 += 1 } }

    func release() {
        let last = users.withLock { count -> Bool in
            count -= 1
            return count <= 0
        }
        if last { shutdown() }
    }

    /// Stops the pool: in-flight queries fail, and no new connection is made.
    public func shutdown() {
        runner.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// A PostgreSQL error as one line an operator can act on: the server's message and SQLSTATE, or
    /// the connection problem. Never the query's parameters, never credentials.
    public static func describe(_ error: any Error) -> String {
        if let failure = error as? Failure { return failure.description }
        if let wrapped = error as? PostgresTransactionError, let inner = wrapped.closureError ?? wrapped.beginError ?? wrapped.commitError {
            return describe(inner)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// Runs `body`, but answers after `limit` at the latest: with `body`'s outcome, or a failure
    /// naming `what`, leaving `body` to finish (or not) on its own. For commits on a connection the
    /// server ended while this process was paused, which were seen never to return: the caller must
    /// treat a timed-out commit as unconfirmed, which fencing makes safe.
    static func answering<T: Sendable>(within limit: Duration, what: String,
                                       _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = AnswerOnce()
        let claim: @Sendable () -> Bool = { once.claim() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let worker = Task {
                do {
                    let value = try await body()
                    if claim() { continuation.resume(returning: value) }
                } catch {
                    if claim() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                if claim() {
                    worker.cancel()
                    continuation.resume(throwing: Failure("\(what): no answer from the database within \(limit)", isUnanswered: true))
                }
            }
        }
    }
}

/// Who answers first: the work or its deadline.
private final class AnswerOnce: Sendable {
    private let claimed = Mutex(false)

    func claim() -> Bool {
        claimed.withLock { wasClaimed in
            defer { wasClaimed = true }
            return !wasClaimed
        }
    }
}
