import ArgumentParser
import Foundation

/// `sigil-server init`: create keys, certificates, databases and trust files in a new data folder.
struct InitCommand: ParsableCommand {
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
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "Folder with the CA configuration checked into the repository (issuers.json, certificate-profile.json).")
    var caConfig: String = "ca"
    @Option(help: "TUF roles file: which keys sign each role, thresholds, expiries (default tuf/roles.json if present, else the standard settings; see tuf/README.md).")
    var tufConfig: String?
    @Option(help: "The log's name: the checkpoint origin is \"<name> - <tree ID>\".")
    var logName: String = "sigil-log"
    @Flag(help: "Succeed without changes when the folder is already initialised (for one-shot init containers).")
    var ifMissing = false
    @Option(help: "CA URL written into the signing config for clients (a loopback URL's port becomes the CA's port).") var caURL: String = "http://127.0.0.1:5555"
    @Option(help: "Log URL written into the trusted root and signing config for clients (a loopback URL's port becomes the log's port).") var logURL: String = "http://127.0.0.1:3000"
    @Option(help: "Timestamp authority base URL written into the trusted root as <url>/api/v1/timestamp (a loopback URL's port becomes the TSA's port).") var tsaURL: String = "http://127.0.0.1:5557"
    @Option(help: "OIDC issuer URL written into the signing config and the CA's issuer list (a loopback URL's port becomes the issuer's port).") var oidcURL: String = "http://127.0.0.1:5556"

    func run() throws {
        let folder = DataFolder(path: options.data)
        if ifMissing, folder.isInitialised {
            print("\(folder.root.path) is already initialised; nothing to do")
            return
        }
        let ports = Initialiser.Ports.serving(oidc: oidcURL, ca: caURL, log: logURL, tsa: tsaURL)
        var initialiser = Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                                      endpoints: .init(oidc: oidcURL, ca: caURL, log: logURL, tsa: tsaURL, ports: ports))
        initialiser.tufSettings = try TUFSettingsFile.text(option: tufConfig)
        try initialiser.run(logName: logName)
        print("Initialised \(folder.root.path)")
        print("  trust config (for clients): \(folder.trustConfig.path)")
        print("  trusted root:               \(folder.trustedRoot.path)")
        print("  log public key:             \(folder.logPublicKey.path)")
        print("  TSA certificate chain:      \(folder.tsaChain.path)")
        print("  TUF root to bootstrap from: \(folder.tufRepository().published.path)/1.root.json (served at <log URL>/tuf)")
        print("  server settings:            \(folder.file("config").path)/{log,ca,oidc,tsa}.json")
    }
}
