import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl start` on a
/// free loopback port with trust authentication, stopped when the test process exits. One shared
/// server per test process, each test taking its own database (`createDatabase`); a test that
/// stops the server takes a `dedicated` one.
///
/// PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user (which
/// Debian's package creates) through `runuser`.
public final class TemporaryPostgres: @unchecked Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let dataDirectory: String
    let bin: String
    private let lock = NSLock()
    private var databases = 0

    /// The folder holding `initdb` and `pg_ctl`: the newest /usr/lib/postgresql/N/bin, else PATH.
    public static let binDirectory: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(directory)/initdb") && FileManager.default.isExecutableFile(atPath: "\(directory)/pg_ctl") {
            return String(directory)
        }
        return nil
    }()

    /// Whether tests can start a server here.
    public static var available: Bool { binDirectory != nil }

    public static let skipReason = "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH; install Debian's postgresql package"

    /// The server of this test process, started on first use.
    public static func shared() throws -> TemporaryPostgres {
        try sharedServer.get()
    }

    /// A server of its own, for a test that stops it while other tests use the shared one. Stopped
    /// at exit like the shared server.
    public static func dedicated() throws -> TemporaryPostgres {
        try TemporaryPostgres()
    }

    private static let sharedServer: Result<TemporaryPostgres, Unavailable> = Result { try TemporaryPostgres() }
        .mapError { $0 as? Unavailable ?? Unavailable(description: "\($0)") }

    private init() throws {
        guard let bin = Self.binDirectory else { throw Unavailable(description: Self.skipReason) }
        self.bin = bin
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        dataDirectory = directory + "/data"
        if getuid() == 0 {
            // The server's user must own its folders; the temporary folder's parents are world-readable.
            guard Self.chownToPostgres(directory) else {
                throw Unavailable(description: "cannot give \(directory) to the postgres user")
            }
        }
        port = try FreePort.find()
        let initdb = try Self.run(bin + "/initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"])
        guard initdb.status == 0 else { throw Unavailable(description: "initdb failed: \(initdb.output)") }
        let first = Self.stopAtExit.withLock { servers in
            servers.append((bin + "/pg_ctl", dataDirectory))
            return servers.count == 1
        }
        if first {
            atexit {
                for (pgctl, data) in TemporaryPostgres.stopAtExit.withLock({ $0 }) {
                    _ = try? TemporaryPostgres.run(pgctl, ["-D", data, "-m", "immediate", "stop"])
                    try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
                }
            }
        }
        try start()
    }

    private static func chownToPostgres(_ path: String) -> Bool {
        guard let user = getpwnam("postgres") else { return false }
        return chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0
    }

    /// Every server this process started: (pg_ctl, data folder), stopped by one `atexit` handler.
    static let stopAtExit = Mutex<[(String, String)]>([])

    /// Starts the server (again, after `stop`), waiting until it accepts connections.
    public func start() throws {
        let options = "-p \(port) -k \(dataDirectory) -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=64MB"
        let started = try Self.run(bin + "/pg_ctl", ["-D", dataDirectory, "-l", dataDirectory + "/server.log", "-o", options, "-w", "-t", "30", "start"])
        guard started.status == 0 else {
            let log = (try? String(contentsOfFile: dataDirectory + "/server.log", encoding: .utf8)) ?? ""
            throw Unavailable(description: "pg_ctl start failed: \(started.output)\n\(log.suffix(2_000))")
        }
    }

    /// Stops the server at once (`immediate`: like a crash; committed work survives).
    public func stop() throws {
        _ = try Self.run(bin + "/pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
    }

    /// A new, empty database; its `postgres://` URL (user postgres, no password, no TLS).
    public func createDatabase() throws -> String {
        let name = lock.withLock { () -> String in
            databases += 1
            return "sigil_test_\(getpid())_\(databases)"
        }
        let created = try Self.run(bin + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name])
        guard created.status == 0 else { throw Unavailable(description: "createdb failed: \(created.output)") }
        return url(database: name)
    }

    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Runs `sql` in `database` with psql; its output.
    public func psql(_ database: String, _ sql: String) throws -> String {
        let result = try Self.run(bin + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Unavailable(description: "psql failed: \(result.output)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a PostgreSQL program, as the `postgres` user when this process is root; its exit status
    /// and output. Spawned and reaped directly (posix_spawn, waitpid), output through a file: with
    /// Foundation's `Process`, waiting for a `pg_ctl start` whose server lives on never returned here.
    static func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let argv = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", binary] + arguments : [binary] + arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-pg-out-\(UUID().uuidString)").path
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw Unavailable(description: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        // WIFEXITED/WEXITSTATUS by hand: the macros are not imported into Swift.
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
    }
}
