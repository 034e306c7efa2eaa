import ArgumentParser
import Foundation
import Prometheus
import ServerSupport
import ServiceLifecycle
import SigstoreKit
import TransparencyLog
import WireFormat

/// `sigil-server all`: every server in one process, initialising the data folder on first run.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the OIDC issuer (:5556), CA (:5555), log (:3000) and timestamp authority (:5557) on loopback, initialising the data folder on first run.",
        discussion: """
            Each server reads its file in <data>/config/ and its SIGIL_<SERVER>_*
            environment variables; the port flags override both. The first run
            writes the ports it used into <data>/config/, so later runs need no
            flags; a run whose ports disagree with the trust files is refused.
            Example: sigil-server all --data ./.sigil
            Other ports:
              sigil-server all --data ./other --oidc-port 15556 --ca-port 15555 --log-port 13000 --tsa-port 15557
            A data folder initialised before the timestamp authority existed has no TSA key; the
            other servers then run without it.
            """)

    @Option(help: "The data folder holding keys, databases and trust files.")
    var data: String = "./.sigil"
    @Option(help: "Folder with the CA configuration used on first run.") var caConfig: String = "ca"
    @Option(help: "TUF roles file used on first run (default tuf/roles.json if present, else the standard settings).") var tufConfig: String?
    @Option(help: "Port of the development OIDC issuer (default: <data>/config/oidc.json, else 5556).") var oidcPort: Int?
    @Option(help: "Port of the certificate authority (default: <data>/config/ca.json, else 5555).") var caPort: Int?
    @Option(help: "Port of the transparency and CT log (default: <data>/config/log.json, else 3000).") var logPort: Int?
    @Option(help: "Port of the timestamp authority (default: <data>/config/tsa.json, else 5557).") var tsaPort: Int?
    // Three servers cannot share one port; named so that the refusal can say which flags to use.
    @Option(name: .customLong("port"), help: .hidden) var port: String?

    func validate() throws {
        if port != nil {
            throw ValidationError("`all` runs four servers, each on its own port: use --oidc-port, --ca-port and --log-port "
                                  + "(defaults 5556, 5555 and 3000) and --tsa-port (default 5557)")
        }
        for (flag, value) in [("--oidc-port", oidcPort), ("--ca-port", caPort), ("--log-port", logPort), ("--tsa-port", tsaPort)] {
            if let value, !(1...65_535).contains(value) { throw ValidationError("\(flag) \(value) is outside 1...65535") }
        }
    }

    /// The servers' settings, all read and checked before any starts listening. `tsa` is nil for a
    /// folder initialised before the timestamp authority existed.
    struct Stack {
        let oidc: OIDCSettings
        var ca: CASettings
        let log: LogSettings
        let tsa: TSASettings?

        var listeners: [ListenerSettings] {
            [oidc.common.listener, ca.common.listener, log.common.listener] + (tsa.map { [$0.common.listener] } ?? [])
        }
    }

    func run() async throws {
        let folder = DataFolder(path: data)
        let stack = try loadSettings(folder)
        try checkAddresses(stack)
        if folder.isInitialised {
            try TrustedURLCheck.requireAgreement(trustChecks(stack, folder: folder), folder: folder)
        }
        for listener in stack.listeners { try listener.checkAvailable() }
        if !folder.isInitialised { try initialise(folder, for: stack) }
        let metrics = ServerRuntime.bootstrap(levels: ["sigil.oidc": stack.oidc.common.logLevel, "sigil.ca": stack.ca.common.logLevel,
                                                       "sigil.log": stack.log.common.logLevel,
                                                       "sigil.tsa": stack.tsa?.common.logLevel ?? stack.log.common.logLevel])
        let services = try await buildServices(stack, metrics: metrics)
        printBanner(stack, folder: folder)
        try await Servers.run(services)
    }

    private func serverFlags(port: Int?) throws -> ServerFlags {
        try ServerFlags.parse(["--data", data] + (port.map { ["--port", String($0)] } ?? []))
    }

    private func loadSettings(_ folder: DataFolder) throws -> Stack {
        let oidc = try OIDCSettings.load(flags: try serverFlags(port: oidcPort), issuerURL: nil)
        let log = try LogSettings.load(flags: try serverFlags(port: logPort), overrides: .init())
        var ca = try CASettings.load(flags: try serverFlags(port: caPort), ctLogURL: nil)
        // In one process the CA's CT log is this log unless its settings name another, and the CA
        // hands it precertificates directly; a ctLogURL naming another log keeps the HTTP submission.
        if !ca.common.reader.has("ctLogURL") { ca.ctLogURL = log.common.listener.localURL }
        let tsa: TSASettings? = if folder.isInitialised && !folder.hasTSA { nil } else { try TSASettings.load(flags: try serverFlags(port: tsaPort)) }
        return Stack(oidc: oidc, ca: ca, log: log, tsa: tsa)
    }

    /// Binding each in turn would not notice two servers given the same address.
    private func checkAddresses(_ stack: Stack) throws {
        let urls = stack.listeners.map(\.localURL)
        if Set(urls.map(\.utf8).map(Array.init)).count < urls.count {
            throw ValidationError("two servers are set to the same address: oidc \(urls[0]), ca \(urls[1]), log \(urls[2])"
                                  + (urls.count > 3 ? ", tsa \(urls[3])" : ""))
        }
    }

    private func trustChecks(_ stack: Stack, folder: DataFolder) -> [TrustedURLCheck] {
        let trusted = TrustedURLCheck.trustedURLs(in: folder)
        return [TrustedURLCheck(server: "oidc", listener: stack.oidc.common.listener, trusted: trusted["oidc"], portFlag: "--oidc-port"),
                TrustedURLCheck(server: "ca", listener: stack.ca.common.listener, trusted: trusted["ca"], portFlag: "--ca-port"),
                TrustedURLCheck(server: "log", listener: stack.log.common.listener, trusted: trusted["log"], portFlag: "--log-port")]
            + (stack.tsa.map { [TrustedURLCheck(server: "tsa", listener: $0.common.listener, trusted: trusted["tsa"], portFlag: "--tsa-port")] } ?? [])
    }

    /// The trust files, the CA's issuer list and `config/*.json` follow the ports the settings chose.
    private func initialise(_ folder: DataFolder, for stack: Stack) throws {
        // A fresh folder always gets a TSA (`tsa` is nil only for an initialised folder without one).
        let tsaPort = stack.tsa?.common.listener.port ?? TSASettings.defaultPort
        let tsaURL = stack.tsa?.common.listener.localURL ?? "http://127.0.0.1:\(TSASettings.defaultPort)"
        let ports = Initialiser.Ports(oidc: stack.oidc.common.listener.port, ca: stack.ca.common.listener.port,
                                      log: stack.log.common.listener.port, tsa: tsaPort)
        var initialiser = Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                                      endpoints: .init(oidc: stack.oidc.issuerURL, ca: stack.ca.common.listener.localURL,
                                                       log: stack.log.common.listener.localURL, tsa: tsaURL, ports: ports))
        initialiser.tufSettings = try TUFSettingsFile.text(option: tufConfig)
        try initialiser.run(logName: "sigil-log")
        print("Initialised \(folder.root.path)")
    }

    private func buildServices(_ stack: Stack, metrics: PrometheusCollectorRegistry) async throws -> [any Service] {
        let caUsesThisLog = stack.ca.ctLogURL.isExactly(stack.log.common.listener.localURL)
        let logServer = try await Servers.log(stack.log, metrics: metrics)
        // Shutdown runs in reverse: the CA finishes its in-flight requests while the CT log still
        // takes precertificates, and the issuer stays up for the CA's key fetches until the end.
        return [try Servers.oidc(stack.oidc, metrics: metrics)] + logServer.services
            + [try Servers.ca(stack.ca, metrics: metrics, localCTLog: caUsesThisLog ? logServer.ctLog : nil)]
            + (try stack.tsa.map { [try Servers.tsa($0, metrics: metrics)] } ?? [])
    }

    private func printBanner(_ stack: Stack, folder: DataFolder) {
        let hasRekorV2 = FileManager.default.fileExists(atPath: folder.rekorV2Database.path)
        let rekorV2 = hasRekorV2 ? "\n  Rekor v2 log (tiles)       \(stack.log.common.listener.localURL)\(RekorV2Log.basePath)" : ""
        print("""
            Sigil is running:
              OIDC issuer (development)  \(stack.oidc.common.listener.localURL)   (GitHub Actions emulation: /actions)
              certificate authority      \(stack.ca.common.listener.localURL)
              transparency + CT log      \(stack.log.common.listener.localURL)\(rekorV2)
              timestamp authority        \(stack.tsa.map { TrustFiles.timestampURL($0.common.listener.localURL) } ?? "not in this data folder (initialised before the TSA existed)")
            Clients: --trust-config \(folder.trustConfig.path)
            Try: sigil log info --trust-config \(folder.trustConfig.path)
            """)
        fflush(nil)
    }
}
