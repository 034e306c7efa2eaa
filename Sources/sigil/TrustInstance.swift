import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil trust-instance URL root.json`: start trusting an instance's TUF repository from the first
/// root its operator handed out, so that `--instance URL` works from then on.
struct TrustInstance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-instance",
        abstract: "Bootstrap trust in an instance's TUF repository from its initial root.json.",
        discussion: """
            Verifies the root, follows the repository's root rotations, timestamp, snapshot and targets
            through the TUF client workflow, and caches the verified trusted root and signing config under
            $XDG_DATA_HOME/sigil/tuf (or ~/.local/share/sigil/tuf). Any earlier cache for the instance is
            replaced only if this succeeds, and still guards against rollback: the repository's roots must
            reach the version it trusted, and its metadata versions stay floors (an instance re-initialised
            with a new root is not held to them; if its roots stop below that version, remove the cache
            first). Then pass --instance URL instead of --trust-config.
            Example:
              sigil trust-instance http://127.0.0.1:3000/tuf .sigil/tuf/repository/1.root.json
              sigil verify-blob artifact.txt --instance http://127.0.0.1:3000/tuf \\
                  --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:5556
            """)

    @Argument(help: "The instance's TUF repository URL.")
    var url: String

    @Argument(help: "The initial root.json the instance's operator published.")
    var root: String

    func run() async throws {
        let bytes = try BundleFiles.read(root, what: "bootstrap root")
        let updater: TUFUpdater
        do { updater = try InstanceTrust.updater(instance: url) } catch { throw CLIError("trust-instance: \(error.message)") }
        do {
            try await updater.bootstrap(root: bytes) { targets throws(TUFError) in
                _ = try InstanceTrust.combine(targets, instance: updater.cache.instance)
            }
        } catch {
            throw CLIError("trust-instance \(updater.cache.instance): \(error.message)")
        }
        Output.note("Trusting \(updater.cache.instance): trusted root and signing config verified and cached in \(updater.cache.directory.path)")
    }
}
