import ArgumentParser
import Foundation
import ServiceLifecycle
import WireFormat

/// `sigil-server log`: the transparency log (and its CT log) alone.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Run the transparency log (Rekor v1 API, tlog-tiles) and the CT log (RFC 6962) from an initialised data folder.",
        discussion: """
            Settings come from --config (default <data>/config/log.json), then SIGIL_LOG_* environment
            variables, then these flags; see the README's configuration reference.
            Example: sigil-server log --data ./.sigil --port 3000
            """)

    @OptionGroup var flags: ServerFlags
    @Option(help: "Most entries waiting to be sequenced before new ones get 503 (config queueCapacity).") var queueCapacity: Int?
    @Option(help: "Most entries committed in one transaction (config maxBatch).") var maxBatch: Int?
    @Option(help: "Largest request body in bytes; larger ones get 413 (config maxRequestBytes).") var maxRequestBytes: Int?

    func run() async throws {
        let settings = try LogSettings.load(flags: flags, overrides: .init(queueCapacity: queueCapacity, maxBatch: maxBatch,
                                                                          maxRequestBytes: maxRequestBytes))
        try await flags.launch("log", settings.common) { try Servers.log(settings, metrics: $0).services }
    }
}

/// `sigil-server ca`: the certificate authority alone.
struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Run the certificate authority (Fulcio v2 API) from an initialised data folder.",
        discussion: """
            Settings come from --config (default <data>/config/ca.json), then SIGIL_CA_* environment
            variables, then these flags; see the README's configuration reference.
            Example: sigil-server ca --data ./.sigil --port 5555 --ct-log-url http://127.0.0.1:3000
            """)

    @OptionGroup var flags: ServerFlags
    @Option(name: [.customLong("ct-log-url"), .customLong("log-url")],
            help: "Base URL of the log server whose CT log receives precertificates (config ctLogURL).")
    var ctLogURL: String?

    func run() async throws {
        let settings = try CASettings.load(flags: flags, ctLogURL: ctLogURL)
        try await flags.launch("ca", settings.common) { [try Servers.ca(settings, metrics: $0)] }
    }
}

/// `sigil-server oidc`: the development OIDC issuer alone.
struct OIDCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc",
        abstract: "Run the development OIDC issuer (tokens and GitHub Actions emulation) from an initialised data folder.",
        discussion: """
            Settings come from --config (default <data>/config/oidc.json), then SIGIL_OIDC_* environment
            variables, then these flags; see the README's configuration reference.
            Example: sigil-server oidc --data ./.sigil --port 5556
            """)

    @OptionGroup var flags: ServerFlags
    @Option(help: "Issuer URL put in tokens (config issuerURL; default http://127.0.0.1:<port>).") var issuerURL: String?

    func run() async throws {
        let settings = try OIDCSettings.load(flags: flags, issuerURL: issuerURL)
        try await flags.launch("oidc", settings.common) { [try Servers.oidc(settings, metrics: $0)] }
    }
}

/// `sigil-server all`: every server in one process, initialising the data folder on first run.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the OIDC issuer (:5556), CA (:5555) and log (:3000) on loopback, initialising the data folder on first run.",
        discussion: """
            Each server reads its file in <data>/config/ and its SIGIL_<SERVER>_* environment variables.
            Example: sigil-server all --data ./.sigil
            """)

    @Option(help: "The data folder holding keys, databases and trust files.")
    var data: String = "./.sigil"
    @Option(help: "Folder with the CA configuration used on first run.") var caConfig: String = "ca"

    func run() async throws {
        let folder = DataFolder(path: data)
        let flags = try ServerFlags.parse(["--data", data])
        // Every setting is read and checked before any server starts listening.
        let oidc = try OIDCSettings.load(flags: flags, issuerURL: nil)
        let log = try LogSettings.load(flags: flags, overrides: .init())
        var ca = try CASettings.load(flags: flags, ctLogURL: nil)
        // In one process the CA's CT log is this log unless its settings name another, and the CA
        // hands it precertificates directly; a ctLogURL naming another log keeps the HTTP submission.
        if !ca.common.reader.has("ctLogURL") { ca.ctLogURL = log.common.listener.localURL }
        let caUsesThisLog = ca.ctLogURL.isExactly(log.common.listener.localURL)
        let listeners = [oidc.common.listener, ca.common.listener, log.common.listener]
        // Binding each in turn would not notice two servers given the same address.
        if Set(listeners.map(\.localURL)).count < listeners.count {
            throw ValidationError("two servers are set to the same address: oidc \(oidc.common.listener.localURL), ca \(ca.common.listener.localURL), log \(log.common.listener.localURL)")
        }
        for listener in listeners { try listener.checkAvailable() }
        if !folder.isInitialised {
            // The trust files and the CA's issuer list follow the ports the settings chose.
            try Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                            endpoints: .init(oidc: oidc.issuerURL, ca: ca.common.listener.localURL, log: log.common.listener.localURL))
                .run(logName: "sigil-log")
            print("Initialised \(folder.root.path)")
        }
        let metrics = ServerRuntime.bootstrap(levels: ["sigil.oidc": oidc.common.logLevel, "sigil.ca": ca.common.logLevel,
                                                       "sigil.log": log.common.logLevel])
        let logServer = try Servers.log(log, metrics: metrics)
        // Shutdown runs in reverse: the CA finishes its in-flight requests while the CT log still
        // takes precertificates, and the issuer stays up for the CA's key fetches until the end.
        let services = [try Servers.oidc(oidc, metrics: metrics)] + logServer.services
            + [try Servers.ca(ca, metrics: metrics, localCTLog: caUsesThisLog ? logServer.ctLog : nil)]
        print("""
            Sigil is running:
              OIDC issuer (development)  \(oidc.common.listener.localURL)   (GitHub Actions emulation: /actions)
              certificate authority      \(ca.common.listener.localURL)
              transparency + CT log      \(log.common.listener.localURL)
            Clients: --trust-config \(folder.trustConfig.path)
            Try: sigil log info --log-key \(folder.logPublicKey.path)
            """)
        fflush(nil)
        try await Servers.run(services)
    }
}
