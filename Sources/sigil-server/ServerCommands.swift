import ArgumentParser
import Foundation

/// Options of the log server.
struct LogServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 3000
    @Option(help: "Most entries waiting to be sequenced before new ones get 503.") var queueCapacity: Int = 20_000
    @Option(help: "Most entries committed in one transaction.") var maxBatch: Int = 2_000
    @Option(help: "Largest request body in bytes (larger answer 413).") var maxRequestBytes: Int = 1 << 20
}

/// `sigil-server log`: the transparency log (and its CT log) alone.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Run the transparency log (Rekor v1 API, tlog-tiles) and the CT log (RFC 6962) from an initialised data folder.",
        discussion: "Example: sigil-server log --data ./.sigil --port 3000")

    @OptionGroup var options: DataOptions
    @OptionGroup var server: LogServerOptions

    func run() async throws {
        try await Servers.run([try Servers.log(folder: DataFolder(path: options.data), options: server)])
    }
}

/// `sigil-server ca`: the certificate authority alone.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Run the certificate authority (Fulcio v2 API) from an initialised data folder.",
        discussion: "Example: sigil-server ca --data ./.sigil --port 5555 --log-url http://127.0.0.1:3000")

    @OptionGroup var options: DataOptions
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 5555
    @Option(help: "Base URL of the log server whose CT log receives precertificates.") var logURL: String = "http://127.0.0.1:3000"

    func run() async throws {
        try await Servers.run([try Servers.ca(folder: DataFolder(path: options.data), host: host, port: port, logURL: logURL)])
    }
}

/// `sigil-server oidc`: the development OIDC issuer alone.
struct OIDCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc",
        abstract: "Run the development OIDC issuer (tokens and GitHub Actions emulation) from an initialised data folder.",
        discussion: "Example: sigil-server oidc --data ./.sigil --port 5556")

    @OptionGroup var options: DataOptions
    @Option(help: "Address to listen on (the token endpoints only answer loopback peers).") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 5556
    @Option(help: "Issuer URL put in tokens (default http://127.0.0.1:<port>).") var issuerURL: String?

    func run() async throws {
        let folder = DataFolder(path: options.data)
        try await Servers.run([try Servers.oidc(folder: folder, host: host, port: port,
                                                issuerURL: issuerURL ?? "http://127.0.0.1:\(port)")])
    }
}

/// `sigil-server all`: every server in one process, initialising the data folder on first run.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the OIDC issuer (:5556), CA (:5555) and log (:3000) on loopback, initialising the data folder on first run.",
        discussion: "Example: sigil-server all --data ./.sigil")

    @OptionGroup var options: DataOptions
    @Option(help: "Folder with the CA configuration used on first run.") var caConfig: String = "ca"

    func run() async throws {
        let folder = DataFolder(path: options.data)
        if !folder.isInitialised {
            try Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                            endpoints: .init()).run(logName: "sigil-log")
            print("Initialised \(folder.root.path)")
        }
        let services: [any Service] = [
            try Servers.oidc(folder: folder, host: "127.0.0.1", port: 5556, issuerURL: "http://127.0.0.1:5556"),
            try Servers.ca(folder: folder, host: "127.0.0.1", port: 5555, logURL: "http://127.0.0.1:3000"),
            try Servers.log(folder: folder, options: try LogServerOptions.parse([])),
        ]
        print("""
            Sigil is running on loopback:
              OIDC issuer (development)  http://127.0.0.1:5556   (GitHub Actions emulation: /actions)
              certificate authority      http://127.0.0.1:5555
              transparency + CT log      http://127.0.0.1:3000
            Clients: --trust-config \(folder.trustConfig.path)
            Try: sigil log info --log-key \(folder.logPublicKey.path)
            """)
        try await Servers.run(services)
    }
}

import ServiceLifecycle
