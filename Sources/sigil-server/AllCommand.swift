import ArgumentParser
import Foundation
import Prometheus
import ServiceLifecycle
import SigstoreKit
import TransparencyLog
import WireFormat

/// `sigil-server all`: every server in one process, initialising the data folder on first run.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run the OIDC issuer (:5556), CA (:5555) and log (:3000) on loopback, initialising the data folder on first run.",
        discussion: """
            Each server reads its file in <data>/config/ and its SIGIL_<SERVER>_*
            environment variables; the port flags override both. The first run
            writes the ports it used into <data>/config/, so later runs need no
            flags; a run whose ports disagree with the trust files is refused.
            Example: sigil-server all --data ./.sigil
            Other ports:
              sigil-server all --data ./other --oidc-port 15556 --ca-port 15555 --log-port 13000
            """)

    @Option(help: "The data folder holding keys, databases and trust files.")
    var data: String = "./.sigil"
    @Option(help: "Folder with the CA configuration used on first run.") var caConfig: String = "ca"
    @Option(help: "Port of the development OIDC issuer (default: <data>/config/oidc.json, else 5556).") var oidcPort: Int?
    @Option(help: "Port of the certificate authority (default: <data>/config/ca.json, else 5555).") var caPort: Int?
    @Option(help: "Port of the transparency and CT log (default: <data>/config/log.json, else 3000).") var logPort: Int?
    // Three servers cannot share one port; named so that the refusal can say which flags to use.
    @Option(name: .customLong("port"), help: .hidden) var port: String?

    func validate() throws {
        if port != nil {
            throw ValidationError("`all` runs three servers, each on its own port: use --oidc-port, --ca-port and --log-port "
                                  + "(defaults 5556, 5555 and 3000)")
        }
        for (flag, value) in [("--oidc-port", oidcPort), ("--ca-port", caPort), ("--log-port", logPort)] {
            if let value, !(1...65_535).contains(value) { throw ValidationError("\(flag) \(value) is outside 1...65535") }
        }
    }

    /// The three servers' settings, all read and checked before any starts listening.
    struct Stack {
        let oidc: OIDCSettings
        var ca: CASettings
        let log: LogSettings
    }

    func run() async throws {
        let folder = DataFolder(path: data)
        let stack = try loadSettings()
        try checkAddresses(stack)
        if folder.isInitialised {
            try TrustedURLCheck.requireAgreement(trustChecks(stack, folder: folder), folder: folder)
        }
        for listener in [stack.oidc.common.listener, stack.ca.common.listener, stack.log.common.listener] {
            try listener.checkAvailable()
        }
        if !folder.isInitialised { try initialise(folder, for: stack) }
        let metrics = ServerRuntime.bootstrap(levels: ["sigil.oidc": stack.oidc.common.logLevel, "sigil.ca": stack.ca.common.logLevel,
                                                       "sigil.log": stack.log.common.logLevel])
        let services = try await buildServices(stack, metrics: metrics)
        printBanner(stack, folder: folder)
        try await Servers.run(services)
    }

    private func serverFlags(port: Int?) throws -> ServerFlags {
        try ServerFlags.parse(["--data", data] + (port.map { ["--port", String($0)] } ?? []))
    }

    private func loadSettings() throws -> Stack {
        let oidc = try OIDCSettings.load(flags: try serverFlags(port: oidcPort), issuerURL: nil)
        let log = try LogSettings.load(flags: try serverFlags(port: logPort), overrides: .init())
        var ca = try CASettings.load(flags: try serverFlags(port: caPort), ctLogURL: nil)
        // In one process the CA's CT log is this log unless its settings name another, and the CA
        // hands it precertificates directly; a ctLogURL naming another log keeps the HTTP submission.
        if !ca.common.reader.has("ctLogURL") { ca.ctLogURL = log.common.listener.localURL }
        return Stack(oidc: oidc, ca: ca, log: log)
    }

    /// Binding each in turn would not notice two servers given the same address.
    private func checkAddresses(_ stack: Stack) throws {
        let urls = [stack.oidc.common.listener.localURL, stack.ca.common.listener.localURL, stack.log.common.listener.localURL]
        if Set(urls.map(\.utf8).map(Array.init)).count < urls.count {
            throw ValidationError("two servers are set to the same address: oidc \(urls[0]), ca \(urls[1]), log \(urls[2])")
        }
    }

    private func trustChecks(_ stack: Stack, folder: DataFolder) -> [TrustedURLCheck] {
        let trusted = TrustedURLCheck.trustedURLs(in: folder)
        return [TrustedURLCheck(server: "oidc", listener: stack.oidc.common.listener, trusted: trusted["oidc"], portFlag: "--oidc-port"),
                TrustedURLCheck(server: "ca", listener: stack.ca.common.listener, trusted: trusted["ca"], portFlag: "--ca-port"),
                TrustedURLCheck(server: "log", listener: stack.log.common.listener, trusted: trusted["log"], portFlag: "--log-port")]
    }

    /// The trust files, the CA's issuer list and `config/*.json` follow the ports the settings chose.
    private func initialise(_ folder: DataFolder, for stack: Stack) throws {
        let ports = Initialiser.Ports(oidc: stack.oidc.common.listener.port, ca: stack.ca.common.listener.port,
                                      log: stack.log.common.listener.port)
        try Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                        endpoints: .init(oidc: stack.oidc.issuerURL, ca: stack.ca.common.listener.localURL,
                                         log: stack.log.common.listener.localURL, ports: ports))
            .run(logName: "sigil-log")
        print("Initialised \(folder.root.path)")
    }

    private func buildServices(_ stack: Stack, metrics: PrometheusCollectorRegistry) async throws -> [any Service] {
        let caUsesThisLog = stack.ca.ctLogURL.isExactly(stack.log.common.listener.localURL)
        let logServer = try await Servers.log(stack.log, metrics: metrics)
        // Shutdown runs in reverse: the CA finishes its in-flight requests while the CT log still
        // takes precertificates, and the issuer stays up for the CA's key fetches until the end.
        return [try Servers.oidc(stack.oidc, metrics: metrics)] + logServer.services
            + [try Servers.ca(stack.ca, metrics: metrics, localCTLog: caUsesThisLog ? logServer.ctLog : nil)]
    }

    private func printBanner(_ stack: Stack, folder: DataFolder) {
        let hasRekorV2 = FileManager.default.fileExists(atPath: folder.rekorV2Database.path)
        let rekorV2 = hasRekorV2 ? "\n  Rekor v2 log (tiles)       \(stack.log.common.listener.localURL)\(RekorV2Log.basePath)" : ""
        print("""
            Sigil is running:
              OIDC issuer (development)  \(stack.oidc.common.listener.localURL)   (GitHub Actions emulation: /actions)
              certificate authority      \(stack.ca.common.listener.localURL)
              transparency + CT log      \(stack.log.common.listener.localURL)\(rekorV2)
            Clients: --trust-config \(folder.trustConfig.path)
            Try: sigil log info --trust-config \(folder.trustConfig.path)
            """)
        fflush(nil)
    }
}
