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
        try await flags.launch("log", settings.common) { try await Servers.log(settings, metrics: $0).services }
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

/// `sigil-server tsa`: the RFC 3161 timestamp authority alone.
struct TSACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsa",
        abstract: "Run the RFC 3161 timestamp authority (Sigstore timestamp-authority API) from an initialised data folder.",
        discussion: """
            Settings come from --config (default <data>/config/tsa.json), then SIGIL_TSA_* environment
            variables, then these flags; see the README's configuration reference.
            Example: sigil-server tsa --data ./.sigil --port 5557
            Then: openssl ts -query -data FILE -sha256 -cert -out req.tsq
                  curl -s -H 'Content-Type: application/timestamp-query' --data-binary @req.tsq \\
                    http://127.0.0.1:5557/api/v1/timestamp -o reply.tsr
            """)

    @OptionGroup var flags: ServerFlags

    func run() async throws {
        let settings = try TSASettings.load(flags: flags)
        try await flags.launch("tsa", settings.common) { [try Servers.tsa(settings, metrics: $0)] }
    }
}
