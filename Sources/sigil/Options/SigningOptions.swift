import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// How the signing commands (`sign-blob`, `attest`, `sign-image`, `attest-image`, `lifecycle
/// set`) get a key: keylessly (an identity token and the CA), or `--key`; and where they log.
struct SigningOptions: ParsableArguments {
    /// `--trust-config` or `--instance`: the trusted root and the services to sign with.
    @OptionGroup var source: TrustSourceOptions

    @Option(help: "An OIDC identity token, or a file holding one.")
    var identityToken: String?

    @Option(help: "Sign with this encrypted private key (from generate-key-pair) instead of keylessly.")
    var key: String?

    @Option(help: "CA (Fulcio v2 API) URL; overrides the trust config.")
    var fulcioURL: String?

    @Option(help: "Transparency log (Rekor v1 API) URL; overrides the trust config.")
    var rekorURL: String?

    @Option(help: "Sign in at this OIDC issuer when no token is given (default: the trust config's), and refuse identity tokens from any other issuer.")
    var oidcIssuer: String?

    @OptionGroup var signIn: SignInOptions

    @Option(help: ArgumentHelp("Rekor API version to log with: 1, or 2 (the trust config's Rekor v2 log, with an RFC 3161 timestamp from its TSA); default: the highest the signing config offers.",
                               valueName: "1|2"))
    var rekorVersion: Int?

    @Option(help: ArgumentHelp("How an attestation goes to a Rekor v2 log: the DSSE envelope (a Sigil log indexes its in-toto subjects, so it is found by the file it is about), or only the hashedrekord over the envelope's PAE (the log never sees the statement; for rekor-tiles v2.0–v2.2, which would log the envelope as dsse 0.0.2).",
                               valueName: "envelope|hashedrekord"))
    var rekorV2Attestation: RekorV2AttestationForm = .envelope

    /// The Rekor v2 log and TSA, when `--rekor-version 2` asks for them.
    private func rekorV2Route(_ trust: TrustConfiguration) throws(SigningError) -> RekorV2Route? {
        // Unless told, sign as the signing config selects (a v2 log is chosen over v1 when a TSA
        // is listed too); an explicit --rekor-url names a v1 log.
        let selected = rekorURL == nil && trust.selectedRekorVersion == 2 && trust.tsaURL != nil ? 2 : 1
        switch rekorVersion ?? selected {
        case 1: return nil
        case 2:
            guard let logURL = trust.rekorV2URL else {
                throw SigningError(.trustConfig, "--rekor-version 2: the trust config's signing config lists no Rekor v2 log (majorApiVersion 2)")
            }
            guard let tsaURL = trust.tsaURL else {
                throw SigningError(.trustConfig, "--rekor-version 2: the trust config's signing config lists no timestamp authority (tsaUrls); a Rekor v2 entry carries no signing time")
            }
            return RekorV2Route(log: RekorV2Client(baseURL: logURL), timestampAuthority: TimestampClient(url: tsaURL),
                                sendsEnvelopes: rekorV2Attestation == .envelope)
        case let other:
            throw SigningError(.trustConfig, "--rekor-version \(other): only 1 and 2 exist")
        }
    }

    /// A signing session: the managed key, or an ephemeral key with a fresh certificate.
    func session() async throws(SigningError) -> SigningSession {
        let trust = try await SigningSetup.trust(source)
        guard let logURL = rekorURL ?? trust.rekorURL else {
            throw SigningError(.trustConfig, "no transparency log: the trust config lists none; pass --rekor-url")
        }
        let log = LogClient(baseURL: logURL)
        let route = try rekorV2Route(trust)
        if let key {
            let password: [UInt8]
            do { password = try Password.read(prompt: "Enter password for private key \(key): ") } catch {
                throw SigningError(.key, "\(error)")
            }
            let privateKey = try ManagedKeyPair.openPrivateKey(path: key, password: password)
            var session = try KeySigner(privateKeyInfo: privateKey, trustedRoot: trust.trustedRoot, log: log).session
            session.rekorV2 = route
            return session
        }
        guard let caURL = fulcioURL ?? trust.caURL else {
            throw SigningError(.trustConfig, "no certificate authority: the trust config lists none; pass --fulcio-url")
        }
        let token: IdentityToken
        do {
            token = try await signIn.identityToken(explicitToken: identityToken, issuer: oidcIssuer ?? trust.oidcURL)
        } catch {
            throw SigningError(.identityToken, "\(error)")
        }
        if let oidcIssuer, !token.issuer.isExactly(oidcIssuer) {
            throw SigningError(.identityToken, "the token was issued by \(token.issuer), not \(oidcIssuer)")
        }
        var session = try await KeylessSigner(trustedRoot: trust.trustedRoot, fulcio: FulcioClient(baseURL: caURL), log: log).session(token: token)
        session.rekorV2 = route
        return session
    }

    /// `alice@example.com (issuer …)` or `managed key`.
    static func describe(_ identity: IssuedCertificateCheck.Identity?) -> String {
        identity.map { ($0.subjectAlternativeNames.first ?? "?") + ($0.issuer.map { " (issuer \($0))" } ?? "") } ?? "managed key"
    }
}

/// Trust file lookup shared by the signing and verifying commands.
enum SigningSetup {
    /// Where `sigil-server init` writes the client trust config (`--data` defaults to `./.sigil`).
    static let defaultTrustConfig = ".sigil/trust_config.json"

    static func trust(_ source: TrustSourceOptions) async throws(SigningError) -> TrustConfiguration {
        let trust: TrustConfiguration?
        do { trust = try await source.load(defaultPath: defaultTrustConfig) } catch { throw SigningError(.trustConfig, error.message) }
        guard let trust else {
            throw SigningError(.trustConfig, "no --trust-config or --instance given and \(defaultTrustConfig) does not exist")
        }
        return trust
    }
}

/// What `--rekor-v2-attestation` sends a Rekor v2 log for a DSSE envelope.
enum RekorV2AttestationForm: String, ExpressibleByArgument, CaseIterable {
    case envelope, hashedrekord
}
