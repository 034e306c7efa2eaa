import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil sign-blob FILE`: keyless (an ephemeral key, a certificate for the caller's OIDC
/// identity) or, with `--key`, with a managed key. Writes a bundle v0.3 only after the
/// certificate, the log entry's proofs and the whole bundle have been verified; on any failure
/// nothing is written.
struct SignBlob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-blob",
        abstract: "Sign a file and record the signature in the transparency log; writes a Sigstore bundle.",
        discussion: """
            The identity token comes from --identity-token, then SIGSTORE_ID_TOKEN, then GitHub Actions
            (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). With --key, the key's password comes from SIGIL_PASSWORD
            or a prompt.
            Examples:
              sigil sign-blob --trust-config .sigil/trust_config.json --identity-token "$JWT" artifact.tgz
              sigil sign-blob --key release.key artifact.tgz
            """)

    @Argument(help: "The file to sign.")
    var file: String

    @Option(help: "Where to write the bundle (default FILE.sigstore.json).")
    var bundle: String?

    @Option(help: "ClientTrustConfig JSON (default .sigil/trust_config.json).")
    var trustConfig: String?

    @Option(help: "An OIDC identity token, or a file holding one.")
    var identityToken: String?

    @Option(help: "Sign with this encrypted private key (from generate-key-pair) instead of keylessly.")
    var key: String?

    @Option(help: "CA (Fulcio v2 API) URL; overrides the trust config.")
    var fulcioURL: String?

    @Option(help: "Transparency log (Rekor v1 API) URL; overrides the trust config.")
    var rekorURL: String?

    @Option(help: "Refuse identity tokens from any other issuer.")
    var oidcIssuer: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let output = bundle ?? file + ".sigstore.json"
        do {
            let digest = try ArtifactDigest(fileAt: file)
            let trust = try SigningSetup.trust(path: trustConfig)
            guard let logURL = rekorURL ?? trust.rekorURL else {
                throw SigningError(.trustConfig, "no transparency log: the trust config lists none; pass --rekor-url")
            }
            let log = LogClient(baseURL: logURL)
            let result: SigningResult
            if let key {
                let password = try Password.read(prompt: "Enter password for private key \(key): ")
                let privateKey = try ManagedKeyPair.openPrivateKey(path: key, password: password)
                result = try await KeySigner(privateKeyInfo: privateKey, trustedRoot: trust.trustedRoot, log: log).sign(digest)
            } else {
                result = try await signKeylessly(digest, trust: trust, log: log)
            }
            try BundleWriter.write(result.bundle, to: output)
            try report(result, bundlePath: output)
        } catch let error as SigningError {
            throw CLIError(error.description)
        }
    }

    private func signKeylessly(_ digest: ArtifactDigest, trust: TrustConfiguration, log: LogClient) async throws -> SigningResult {
        guard let caURL = fulcioURL ?? trust.caURL else {
            throw SigningError(.trustConfig, "no certificate authority: the trust config lists none; pass --fulcio-url")
        }
        let token: IdentityToken
        do {
            token = try await IdentityTokenSource(explicitToken: identityToken).resolve().token
        } catch {
            throw SigningError(.identityToken, "\(error)")
        }
        if let oidcIssuer, token.issuer != oidcIssuer {
            throw SigningError(.identityToken, "the token was issued by \(token.issuer), not \(oidcIssuer)")
        }
        let signer = KeylessSigner(trustedRoot: trust.trustedRoot, fulcio: FulcioClient(baseURL: caURL), log: log)
        return try await signer.sign(digest, token: token)
    }

    private func report(_ result: SigningResult, bundlePath: String) throws {
        let signer = result.identity.map { identity in
            (identity.subjectAlternativeNames.first ?? "?") + (identity.issuer.map { " (issuer \($0))" } ?? "")
        } ?? "managed key"
        if json {
            try Output.json(SignReport(bundle: bundlePath, identity: result.identity?.subjectAlternativeNames.first,
                                       issuer: result.identity?.issuer, logIndex: result.logIndex,
                                       integratedTime: result.integratedTime))
        } else {
            print("Signed \(file) as \(signer); log index \(result.logIndex), integrated time \(Self.format(result.integratedTime))")
            print("Wrote bundle to \(bundlePath)")
        }
    }

    static func format(_ unixSeconds: Int64) -> String {
        // The Swift-native format style: ISO8601DateFormatter loads ICU, a millisecond per process.
        Date(timeIntervalSince1970: Double(unixSeconds)).formatted(Date.ISO8601FormatStyle())
    }
}

/// `sign-blob --json` output.
struct SignReport: Encodable {
    let bundle: String
    let identity: String?
    let issuer: String?
    let logIndex: Int64
    let integratedTime: Int64
}

/// Trust file lookup shared by the signing and verifying commands.
enum SigningSetup {
    /// Where `sigil-server init` writes the client trust config (`--data` defaults to `./.sigil`).
    static let defaultTrustConfig = ".sigil/trust_config.json"

    static func trust(path: String?) throws(SigningError) -> TrustConfiguration {
        let chosen = path ?? defaultTrustConfig
        guard path != nil || FileManager.default.fileExists(atPath: chosen) else {
            throw SigningError(.trustConfig, "no --trust-config given and \(defaultTrustConfig) does not exist")
        }
        do { return try TrustConfiguration.load(path: chosen) } catch { throw SigningError(.trustConfig, error.message) }
    }
}
