import ArgumentParser
import Foundation

/// `sigil-server init`: create keys, certificates, databases and trust files in a new data folder.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data folder: all keys (0600), the CA certificates, the log databases and the trust files.",
        discussion: """
            Refuses to touch a folder that already holds anything.
            Example: sigil-server init --data ./.sigil --ca-config ./ca
            Clients then use ./.sigil/trust_config.json (sigil and the real sigstore client alike).
            """)

    @OptionGroup var options: DataOptions
    @Option(help: "Folder with the CA configuration checked into the repository (issuers.json, certificate-profile.json).")
    var caConfig: String = "ca"
    @Option(help: "The log's name: the checkpoint origin is \"<name> - <tree ID>\".")
    var logName: String = "sigil-log"
    @Flag(help: "Succeed without changes when the folder is already initialised (for one-shot init containers).")
    var ifMissing = false
    @Option(help: "CA URL written into the signing config for clients.") var caURL: String = "http://127.0.0.1:5555"
    @Option(help: "Log URL written into the trusted root and signing config for clients.") var logURL: String = "http://127.0.0.1:3000"
    @Option(help: "OIDC issuer URL written into the signing config for clients.") var oidcURL: String = "http://127.0.0.1:5556"

    func run() throws {
        let folder = DataFolder(path: options.data)
        if ifMissing, folder.isInitialised {
            print("\(folder.root.path) is already initialised; nothing to do")
            return
        }
        try Initialiser(folder: folder, caConfiguration: URL(fileURLWithPath: caConfig, isDirectory: true),
                        endpoints: .init(oidc: oidcURL, ca: caURL, log: logURL)).run(logName: logName)
        print("Initialised \(folder.root.path)")
        print("  trust config (for clients): \(folder.trustConfig.path)")
        print("  trusted root:               \(folder.trustedRoot.path)")
        print("  log public key:             \(folder.logPublicKey.path)")
        print("  server settings:            \(folder.file("config").path)/{log,ca,oidc}.json")
    }
}
