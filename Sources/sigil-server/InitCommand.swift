import ArgumentParser
import Foundation
import Logging
import TransparencyLog

/// `sigil-server init`: create keys, certificates, databases and trust files in a new data folder.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data folder: all keys (0600), the CA certificates, the log databases and the trust files.",
        discussion: """
            Refuses to touch a folder that already holds anything. Builds the folder
            aside and moves it into place at the end: a failure leaves nothing behind.
            The settings in <data>/config/ get the ports of loopback URLs, so the
            servers start where the trust files send clients.
            Example: sigil-server init --data ./.sigil --ca-config ./ca
            Other ports:
              sigil-server init --log-url http://127.0.0.1:13000 \\
                --ca-url http://127.0.0.1:15555 --oidc-url http://127.0.0.1:15556
            Clients then use ./.sigil/trust_config.json (sigil and the real sigstore client alike).
            With --storage postgres the logs are created in that (empty) database, and
            config/log.json points the log servers at it; copy the folder to each replica.
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "Folder with the CA configuration checked into the repository (issuers.json, certificate-profile.json).")
    var caConfig: String = "ca"
    @Option(help: "TUF roles file: which keys sign each role, thresholds, expiries (default tuf/roles.json if present, else the standard settings; see tuf/README.md).")
    var tufConfig: String?
    @Option(help: "The log's name: the checkpoint origin is \"<name> - <tree ID>\".")
    var logName: String = "sigil-log"
    @Option(help: "Where the logs live: sqlite (the folder's files, the default) or postgres (one database several log replicas share).")
    var storage: String = "sqlite"
    @Option(help: "With --storage postgres: postgres://user@host:port/database[?sslmode=disable|prefer|require].") var postgresURL: String?
    @Option(help: "With --storage postgres: file whose first line is the database password.") var postgresPasswordFile: String?
    @Flag(help: "Succeed without changes when the folder is already initialised (for one-shot init containers).")
    var ifMissing = false
    @Option(help: "CA URL written into the signing config for clients (a loopback URL's port becomes the CA's port).") var caURL: String = "http://127.0.0.1:5555"
    @Option(help: "Log URL written into the trusted root and signing config for clients (a loopback URL's port becomes the log's port).") var logURL: String = "http://127.0.0.1:3000"
    @Option(help: "Timestamp authority base URL written into the trusted root as <url>/api/v1/timestamp (a loopback URL's port becomes the TSA's port).") var tsaURL: String = "http://127.0.0.1:5557"
    @Option(help: "OIDC issuer URL written into the signing config and the CA's issuer list (a loopback URL's port becomes the issuer's port).") var oidcURL: String = "http://127.0.0.1:5556"

    func validate() throws {
        guard ["sqlite", "postgres"].contains(storage) else { throw ValidationError("--storage must be sqlite or postgres, not \(storage)") }
        if storage == "postgres", postgresURL == nil { throw ValidationError("--storage postgres needs --postgres-url") }
        if storage == "sqlite", postgresURL != nil || postgresPasswordFile != nil {
            throw ValidationError("--postgres-url and --postgres-password-file need --storage postgres")
        }
    }

    func run() async throws {
        let folder = DataFolder(path: options.data)
        if ifMissing, folder.isInitialised {
            print("\(folder.root.path) is already initialised; nothing to do")
            return
        }
        // The database is checked before the folder is made: a refused database leaves nothing behind.
        let database: PostgresDatabase? = if let postgresURL { try await connect(postgresURL) } else { nil }
        defer { database?.shutdown() }
        if let database { try await PostgresStorageSwitch.requireNoLogs(["rekor", "ct", "rekor_v2"], in: database) }
        let ports = Initialiser.Ports.serving(oidc: oidcURL, ca: caURL, log: logURL, tsa: tsaURL)
        var initialiser = Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                                      endpoints: .init(oidc: oidcURL, ca: caURL, log: logURL, tsa: tsaURL, ports: ports))
        initialiser.tufSettings = try TUFSettingsFile.text(option: tufConfig)
        try initialiser.run(logName: logName)
        print("Initialised \(folder.root.path)")
        if let database, let postgresURL {
            let created = try await PostgresStorageSwitch.createLogs(of: folder, in: database)
            try PostgresStorageSwitch.apply(to: folder, urlText: postgresURL, passwordFile: postgresPasswordFile)
            print("  logs in PostgreSQL:         \(created.joined(separator: ", ")) in \(database.url.redacted) (config/log.json: storage postgres)")
        }
        print("  trust config (for clients): \(folder.trustConfig.path)")
        print("  trusted root:               \(folder.trustedRoot.path)")
        print("  log public key:             \(folder.logPublicKey.path)")
        print("  TSA certificate chain:      \(folder.tsaChain.path)")
        print("  TUF root to bootstrap from: \(folder.tufRepository().published.path)/1.root.json (served at <log URL>/tuf)")
        print("  server settings:            \(folder.file("config").path)/{log,ca,oidc,tsa}.json")
    }

    private func connect(_ text: String) async throws -> PostgresDatabase {
        let url: PostgresURL
        do { url = try PostgresURL(parsing: text, passwordFile: postgresPasswordFile) } catch { throw ServerError("--postgres-url: \(error)") }
        try PostgresStorageSwitch.requirePasswordFile(url, passwordFile: postgresPasswordFile, switching: true)
        var logger = Logger(label: "sigil.init")
        logger.logLevel = .error
        do { return try await PostgresDatabase.connect(url: url, logger: logger) } catch {
            throw ServerError("refusing to initialise with --storage postgres: \(PostgresDatabase.describe(error))")
        }
    }
}
