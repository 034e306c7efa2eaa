import ArgumentParser
import Foundation
import SigilClient
import WireFormat

/// `sigil generate-key-pair`: a P-256 key pair for `sign-blob --key`, as cosign makes one. The
/// private key is PKCS#8 encrypted with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC), readable by
/// `openssl pkey`, written 0600; the public key is a PEM `PUBLIC KEY`.
struct GenerateKeyPair: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key-pair",
        abstract: "Create a password-protected signing key (PREFIX.key) and its public key (PREFIX.pub).",
        discussion: """
            The password comes from SIGIL_PASSWORD, or is asked for on the terminal (never on the command line).
            Example:
              SIGIL_PASSWORD=... sigil generate-key-pair --output-key-prefix release
              sigil sign-blob --key release.key artifact.tgz
            """)

    @Option(help: "Write PREFIX.key and PREFIX.pub.")
    var outputKeyPrefix = "sigil"

    func run() async throws {
        let keyPath = outputKeyPrefix + ".key", publicPath = outputKeyPrefix + ".pub"
        for path in [keyPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw CLIError("\(path) already exists; remove it or choose another --output-key-prefix")
        }
        let password = try Password.readNew()
        let pair = try ManagedKeyPair.generate(password: password)
        do {
            try AtomicFile.write(Array(pair.encryptedPrivateKeyPEM.utf8), to: keyPath, permissions: 0o600, exclusive: true)
            try AtomicFile.write(Array(pair.publicKeyPEM.utf8), to: publicPath, permissions: 0o644, exclusive: true)
        } catch {
            throw CLIError("\(error)")
        }
        Output.note("Private key written to \(keyPath)")
        Output.note("Public key written to \(publicPath)")
    }
}
