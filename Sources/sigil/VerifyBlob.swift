import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil verify-blob FILE [--bundle B]`: offline verification (DESIGN.md §1 order) of a bundle
/// made by Sigil or by Sigstore's own clients, against a trusted root and an explicit identity
/// policy or a managed public key. Prints who signed, the log index and the integrated time.
struct VerifyBlob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-blob",
        abstract: "Verify a file's Sigstore bundle offline.",
        discussion: """
            Keyless bundles need an identity (exact or regexp) and an issuer (exact or regexp); key-signed
            bundles need --key. Every failure names the check that failed.
            Examples:
              sigil verify-blob artifact.tgz --trust-config .sigil/trust_config.json \\
                --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:5556
              sigil verify-blob artifact.tgz --bundle artifact.tgz.sigstore.json --key release.pub
            """)

    @Argument(help: "The signed file.")
    var file: String

    @Option(help: "The bundle to verify (default FILE.sigstore.json, where sign-blob writes it).")
    var bundle: String?

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var identity: IdentityOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        // sign-blob's default output, so the pair needs no bundle flag.
        let result = try await Self.verify(file: file, bundle: bundle ?? file + ".sigstore.json", trust: trust, identity: identity).result
        try report(result)
    }

    /// Reads the bundle and the file and verifies (DESIGN.md §1 order); shared with verify-attestation.
    static func verify(file: String, bundle: String, trust: TrustedRootOptions,
                       identity: IdentityOptions) async throws -> (bundle: SigstoreBundle, result: VerificationResult) {
        let root = try await trust.load()
        let parsed: SigstoreBundle
        do { parsed = try SigstoreBundle(parsing: try BundleFiles.read(bundle, what: "bundle")) } catch let error as BundleError {
            throw CLIError("\(bundle): couldn't verify bundle: \(VerificationStep.bundleFormat): \(error.message)")
        }
        let digest: ArtifactDigest
        do { digest = try ArtifactDigest(fileAt: file) } catch { throw CLIError(error.message) }
        let policy = try VerificationPolicy(artifact: .digest(algorithm: .sha256, bytes: digest.bytes), signer: try identity.signer())
        do {
            return (parsed, try await BundleVerifier(trustedRoot: root).verify(parsed, policy: policy))
        } catch {
            throw CLIError("\(file): \(error)")
        }
    }

    private func report(_ result: VerificationResult) throws {
        let entry = result.logEntries.first
        var identity: String?, issuer: String?, keyID: String?
        switch result.signer {
        case .certificate(let subject, let certificateIssuer): (identity, issuer) = (subject, certificateIssuer)
        case .publicKey(let key): keyID = StrictBase64.encode(key.keyID)
        }
        if json {
            try Output.json(VerifyReport(verified: true, file: file, identity: identity, issuer: issuer, publicKeyID: keyID,
                                         logIndex: entry?.logIndex, integratedTime: entry?.integratedTime))
            return
        }
        print("Verified OK: \(file)")
        Self.signerLines(result).forEach { print("  " + $0) }
    }

    /// `identity: …`, `issuer: …` or `public key: …`, then each log entry's index and time.
    static func signerLines(_ result: VerificationResult) -> [String] {
        var lines: [String] = []
        switch result.signer {
        case .certificate(let subject, let issuer):
            // Certificate text: escaped, so a SAN cannot draw on the terminal.
            if let subject { lines.append("identity: \(UntrustedText.escaped(subject, limit: UntrustedText.valueLimit))") }
            if let issuer { lines.append("issuer: \(UntrustedText.escaped(issuer, limit: UntrustedText.valueLimit))") }
        case .publicKey(let key): lines.append("public key: \(StrictBase64.encode(key.keyID))")
        }
        for entry in result.logEntries {
            lines.append("log index: \(entry.logIndex)")
            if let time = entry.integratedTime { lines.append("integrated time: \(SignBlob.format(time))") }
        }
        return lines
    }
}

/// `verify-blob --json` output.
struct VerifyReport: Encodable {
    let verified: Bool
    let file: String
    let identity: String?
    let issuer: String?
    let publicKeyID: String?
    let logIndex: Int64?
    let integratedTime: Int64?
}
