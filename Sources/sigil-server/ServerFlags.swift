import ArgumentParser

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

    /// Ends a command that was only asked to check its configuration.
    func finishCheck(_ server: String, settings: CommonSettings) -> Bool {
        guard checkConfig else { return false }
        print("sigil-server \(server): configuration OK (\(settings.reader.file ?? "no settings file"), listening would be on \(settings.listener.localURL))")
        return true
    }
}
