// OIDCIssuer: Sigil's development OpenID Connect provider (DESIGN.md §7).
//
// Two issuers share one key ring:
// - `<base>` mints tokens for any subject/email on request (`POST /token`, loopback only), and is
//   an OpenID provider for development: authorization code + PKCE S256 (RFC 6749 §4.1, RFC 7636)
//   with a sign-in page at `/authorize` that vouches for whatever email is typed;
// - `<base>/actions` emulates GitHub Actions (`POST /actions/jobs` registers a job, the job's
//   request URL + bearer token yield `{"value": JWT}` with the full claim set of sigstore-spec.md §E.2).
// Both serve OpenID discovery (OpenID Connect Discovery 1.0 §4) and a JWKS (RFC 7517) so a
// Fulcio-style CA can verify their tokens exactly as it verifies a real provider's.
// Main types: `OIDCIssuer`, `OIDCSigningKey`, `OIDCKeyRing`, `ActionsJob`; routes in `buildOIDCRouter`.
// This is a development tool: it says so in its discovery document and when its router is built.
import Crypto
import Foundation
import WireFormat

/// The development OIDC provider's state: its signing keys (with rotation) and the registered
/// emulated Actions jobs. Routes are in ``buildOIDCRouter(issuer:logger:)``.
public actor OIDCIssuer {
    /// What `POST /actions/jobs` hands the emulated runner.
    public struct JobCredentials: Sendable, Equatable {
        /// `ACTIONS_ID_TOKEN_REQUEST_URL`: already has a query string, so clients append `&audience=`.
        public let requestURL: String
        /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. Secret: never log it.
        public let requestToken: String
    }

    public nonisolated let configuration: OIDCIssuerConfiguration
    private var keyRing: OIDCKeyRing
    /// Keyed by the request token's bytes: the token is a bearer secret, matched exactly.
    private var jobs: [ExactString: (job: ActionsJob, expires: Date)] = [:]
    private var jobOrder: [ExactString] = []
    private var nextRunID = 1
    /// Authorization codes issued by the sign-in page and not yet redeemed (`OIDCIssuer+Authorization.swift`).
    var codes: AuthorizationCodeStore

    /// An issuer signing with `keys` (one RS256 and one ES256 key, loaded from `init`'s PEM files).
    public init(configuration: OIDCIssuerConfiguration, keys: OIDCKeyRing) {
        self.configuration = configuration
        self.keyRing = keys
        self.codes = AuthorizationCodeStore(capacity: max(1, configuration.maxPendingCodes))
    }

    /// An issuer whose keys are read from PEM text (PKCS#8, PKCS#1 or SEC1).
    public init(configuration: OIDCIssuerConfiguration, rs256PEM: String, es256PEM: String) throws {
        let ring = try OIDCKeyRing(rs256: OIDCSigningKey(pem: rs256PEM), es256: OIDCSigningKey(pem: es256PEM))
        self.init(configuration: configuration, keys: ring)
    }

    // MARK: Keys

    /// The JWKS both issuers publish: active keys plus retired keys whose tokens may still be valid.
    public func jwks() -> JSONValue {
        keyRing.prune(now: configuration.now())
        return keyRing.jwks(now: configuration.now())
    }

    /// Starts signing with `newKey`; the key it replaces stays in the JWKS until its last token expires
    /// (token lifetime plus a minute for verifiers' clock skew).
    public func rotate(to newKey: OIDCSigningKey) {
        let until = configuration.now().addingTimeInterval(configuration.tokenLifetime + 60)
        keyRing.rotate(to: newKey, retiredKeysPublishedUntil: until)
    }

    /// The key ID that currently signs `algorithm` tokens.
    public func activeKeyID(for algorithm: OIDCSigningKey.Algorithm) -> String {
        keyRing.signingKey(for: algorithm).keyID
    }

    // MARK: Discovery

    /// The OpenID discovery document of the plain issuer, or of the Actions issuer when `actions` is true.
    /// The plain issuer's has every member OpenID Connect Discovery 1.0 §3 makes REQUIRED, so
    /// clients that build a provider from it (sigstore-python's `Issuer`) accept it.
    public nonisolated func discoveryDocument(actions: Bool) -> JSONValue {
        let issuer = actions ? configuration.actionsIssuerURL : configuration.issuerURL
        var document: [String: JSONValue] = [
            "issuer": .string(issuer),
            "jwks_uri": .string(issuer + "/jwks"),
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "sigil_development_issuer": true,
            "sigil_note": "Sigil development issuer: mints tokens for any identity on request. Never trust it in production.",
        ]
        if actions {
            // Like GitHub's, the Actions issuer has no authorization endpoint: runners get tokens
            // through the job's request URL.
            document["token_endpoint"] = .string(issuer + "/jobs")
            document["response_types_supported"] = ["id_token"]
            document["claims_supported"] = ["sub", "aud", "exp", "iat", "nbf", "iss", "jti", "repository", "ref", "sha", "workflow_ref", "job_workflow_ref"]
        } else {
            document["authorization_endpoint"] = .string(issuer + "/authorize")
            document["token_endpoint"] = .string(issuer + "/token")
            document["response_types_supported"] = ["code"]
            document["response_modes_supported"] = ["query"]
            document["grant_types_supported"] = ["authorization_code"]
            document["code_challenge_methods_supported"] = ["S256"]
            // Basic with an empty secret is accepted too (sigstore-python sends it), but the
            // client is public: no secret is ever checked.
            document["token_endpoint_auth_methods_supported"] = ["none"]
            document["scopes_supported"] = ["openid", "email"]
            document["claims_supported"] = ["sub", "aud", "exp", "iat", "nbf", "iss", "jti", "email", "email_verified", "nonce"]
        }
        return .object(document)
    }

    // MARK: Minting

    /// Mints a token for the plain issuer. `claims` are merged last, so tests can override any
    /// standard claim (e.g. `email_verified: false`, an `exp` in the past).
    public func mintToken(
        subject: String?, email: String?, audience: String = "sigstore",
        claims extra: [String: JSONValue] = [:], algorithm: OIDCSigningKey.Algorithm = .es256
    ) throws -> String {
        guard let sub = subject ?? email else { throw OIDCIssuerError.missingField("subject") }
        var claims = standardClaims(issuer: configuration.issuerURL, audience: audience)
        claims["sub"] = .string(sub)
        if let email {
            claims["email"] = .string(email)
            claims["email_verified"] = true
        }
        claims.merge(extra) { _, new in new }
        return try CompactJWS.sign(claims: claims, with: keyRing.signingKey(for: algorithm))
    }

    /// Registers an emulated Actions job and returns what the runner would export to it.
    public func registerJob(_ job: ActionsJob) -> JobCredentials {
        let now = configuration.now()
        jobs = jobs.filter { $0.value.expires > now }
        jobOrder.removeAll { jobs[$0] == nil }
        while jobOrder.count >= configuration.maxJobs { jobs[jobOrder.removeFirst()] = nil }
        let token = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
        jobs[ExactString(token)] = (job, now.addingTimeInterval(configuration.jobLifetime))
        jobOrder.append(ExactString(token))
        return JobCredentials(requestURL: configuration.actionsIssuerURL + "/token?api-version=2.0", requestToken: token)
    }

    /// Registers a job from its form fields (`POST /actions/jobs`).
    func registerJob(form: FormFields) throws(OIDCIssuerError) -> JobCredentials {
        defer { nextRunID += 1 }
        let job = try ActionsJob(form: form, runID: String(1_000_000 + nextRunID))
        return registerJob(job)
    }

    /// The ID token GitHub's token service would give the job behind `requestToken`. RS256, like GitHub.
    public func actionsToken(requestToken: String, audience: String?) throws -> String {
        guard let entry = jobs[ExactString(requestToken)], entry.expires > configuration.now() else {
            throw OIDCIssuerError.unknownJobToken
        }
        // GitHub's default audience is the owner's URL; Sigstore clients always ask for `sigstore`.
        let aud = audience ?? "https://github.com/\(entry.job.repositoryOwner)"
        var claims = standardClaims(issuer: configuration.actionsIssuerURL, audience: aud)
        claims.merge(entry.job.claims) { _, job in job }
        return try CompactJWS.sign(claims: claims, with: keyRing.signingKey(for: .rs256))
    }

    private func standardClaims(issuer: String, audience: String) -> [String: JSONValue] {
        let now = Int64(configuration.now().timeIntervalSince1970.rounded(.down))
        return [
            "iss": .string(issuer),
            "aud": .string(audience),
            "iat": .integer(now),
            "nbf": .integer(now),
            "exp": .integer(now + Int64(configuration.tokenLifetime)),
            "jti": .string(UUID().uuidString.lowercased()),
        ]
    }
}
