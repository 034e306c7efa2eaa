import ArgumentParser
import Logging
import Prometheus
import ServiceLifecycle

/// Flags every single-server command takes. Each overrides the same setting from the server's
/// configuration file and environment; unset flags leave those in charge.
struct ServerFlags: ParsableArguments {
    @Option(help: "The server's JSON configuration file (default: <data>/config/<server>.json if it exists).")
    var config: String?
    @Option(help: "The data folder holding keys, databases and trust files (default ./.sigil).")
    var data: String?
    @Option(help: "Address to listen on (default 127.0.0.1; anything else needs TLS or allowPlainHTTP).")
    var host: String?
    @Option(help: "Port to listen on.")
    var port: Int?
    @Flag(help: "Check the settings, keys, certificates and databases, then exit without listening.")
    var checkConfig = false

    /// Runs one server once its settings are loaded: checks that its port can be bound, sets up
    /// logging and metrics, builds it (every key, certificate and database is checked here), then
    /// either reports the configuration good (`--check-config`) or serves until SIGTERM.
    func launch(_ server: String, _ settings: CommonSettings,
                build: (PrometheusCollectorRegistry) async throws -> [any Service]) async throws {
        // A running server holds its own port, so checking a configuration does not try to bind it.
        if !checkConfig { try settings.listener.checkAvailable() }
        let metrics = ServerRuntime.bootstrap(levels: ["sigil.\(server)": settings.logLevel])
        let services = try await build(metrics)
        // Once the server is known to start: a refusal stays the one line it is.
        TrustedURLCheck(server: server, listener: settings.listener, trusted: TrustedURLCheck.trustedURLs(in: settings.folder)[server],
                        portFlag: "--port").warnIfDisagreeing(Logger(label: "sigil.\(server)"))
        if checkConfig {
            print("sigil-server \(server): configuration OK (\(settings.reader.file ?? "no settings file"), listening would be on \(settings.listener.localURL))")
            return
        }
        try await Servers.run(services)
    }
}
