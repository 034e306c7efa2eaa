import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil verify-blob FILE --bundle B`: offline verification (DESIGN.md §1 order) of a bundle
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
              sigil verify-blob artifact.tgz --bundle artifact.tgz.sigstore.json --trust-config .sigil/trust_config.json \\
                --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:5556
              sigil verify-blob artifact.tgz --bundle artifact.tgz.sigstore.json --key release.pub
            """)

    @Argument(help: "The signed file.")
    var file: String

    @Option(help: "The bundle to verify.")
    var bundle: String

    @Option(help: "Trusted root JSON.")
    var trustedRoot: String?

    @Option(help: "ClientTrustConfig JSON (its trustedRoot is used; default .sigil/trust_config.json).")
    var trustConfig: String?

    @Option(help: "The SAN the certificate must carry, exactly.")
    var certificateIdentity: String?

    @Option(help: "A regular expression some SAN must match.")
    var certificateIdentityRegexp: String?

    @Option(help: "The OIDC issuer the certificate must name, exactly.")
    var certificateOidcIssuer: String?

    @Option(help: "A regular expression the OIDC issuer must match.")
    var certificateOidcIssuerRegexp: String?

    @Option(help: "GitHub workflow repository (certificate extension 1.3.6.1.4.1.57264.1.5).")
    var certificateGithubWorkflowRepository: String?

    @Option(help: "GitHub workflow ref (…1.6).")
    var certificateGithubWorkflowRef: String?

    @Option(help: "GitHub workflow commit SHA (…1.3).")
    var certificateGithubWorkflowSha: String?

    @Option(help: "GitHub workflow trigger event (…1.2).")
    var certificateGithubWorkflowTrigger: String?

    @Option(help: "GitHub workflow name (…1.4).")
    var certificateGithubWorkflowName: String?

    @Option(help: "PEM public key, for bundles signed with a managed key.")
    var key: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard trustedRoot == nil || trustConfig == nil else { throw ValidationError("give --trusted-root or --trust-config, not both") }
        if key != nil {
            let identityFlags: [String?] = [certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer, certificateOidcIssuerRegexp]
            guard identityFlags.allSatisfy({ $0 == nil }) else { throw ValidationError("--key replaces the certificate identity flags") }
            return
        }
        guard (certificateIdentity == nil) != (certificateIdentityRegexp == nil) else {
            throw ValidationError("give exactly one of --certificate-identity and --certificate-identity-regexp (or --key)")
        }
        guard (certificateOidcIssuer == nil) != (certificateOidcIssuerRegexp == nil) else {
            throw ValidationError("give exactly one of --certificate-oidc-issuer and --certificate-oidc-issuer-regexp")
        }
    }

    func run() async throws {
        let root = try loadRoot()
        let parsed: SigstoreBundle
        do { parsed = try SigstoreBundle(parsing: try Self.read(bundle, what: "bundle")) } catch let error as BundleError {
            throw CLIError("\(bundle): couldn't verify bundle: \(VerificationStep.bundleFormat): \(error.message)")
        }
        let digest: ArtifactDigest
        do { digest = try ArtifactDigest(fileAt: file) } catch { throw CLIError(error.message) }
        let policy = try VerificationPolicy(artifact: .digest(algorithm: .sha256, bytes: digest.bytes), signer: try signer())
        let result: VerificationResult
        do {
            result = try await BundleVerifier(trustedRoot: root).verify(parsed, policy: policy)
        } catch {
            throw CLIError("\(file): \(error)")
        }
        try report(result)
    }

    private func loadRoot() throws -> TrustedRoot {
        if let trustedRoot {
            do { return try TrustedRoot(parsing: try Self.read(trustedRoot, what: "trusted root")) } catch let error as TrustedRootError {
                throw CLIError("\(trustedRoot): \(error)")
            }
        }
        do { return try SigningSetup.trust(path: trustConfig).trustedRoot } catch {
            throw CLIError("\(error.message); pass --trusted-root or --trust-config")
        }
    }

    private func signer() throws -> VerificationPolicy.Signer {
        if let key {
            let pem = String(decoding: try Self.read(key, what: "public key"), as: UTF8.self)
            do { return .publicKey(try VerificationKey(pem: pem)) } catch { throw CLIError("\(key): \(error)") }
        }
        let subject: CertificateIdentity.Matcher = certificateIdentity.map { .exact($0) } ?? .regularExpression(certificateIdentityRegexp ?? "")
        let issuer: CertificateIdentity.Matcher = certificateOidcIssuer.map { .exact($0) } ?? .regularExpression(certificateOidcIssuerRegexp ?? "")
        var extensions: [FulcioExtension: String] = [:]
        extensions[.githubWorkflowRepository] = certificateGithubWorkflowRepository
        extensions[.githubWorkflowRef] = certificateGithubWorkflowRef
        extensions[.githubWorkflowSHA] = certificateGithubWorkflowSha
        extensions[.githubWorkflowTrigger] = certificateGithubWorkflowTrigger
        extensions[.githubWorkflowName] = certificateGithubWorkflowName
        do {
            return .certificate(try CertificateIdentity(subject: subject, issuer: issuer, extensions: extensions))
        } catch {
            throw CLIError("\(error)")
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
        if let identity { print("  identity: \(identity)") }
        if let issuer { print("  issuer: \(issuer)") }
        if let keyID { print("  public key: \(keyID)") }
        for entry in result.logEntries {
            print("  log index: \(entry.logIndex)")
            if let time = entry.integratedTime { print("  integrated time: \(SignBlob.format(time))") }
        }
    }

    /// Bundles, roots and keys are small; refuse anything absurd instead of exhausting memory.
    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("\(path): cannot open the \(what) file") }
        defer { try? handle.close() }
        let limit = 64 << 20
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw CLIError("\(path): the \(what) file is larger than \(limit) bytes") }
        return Array(data)
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
