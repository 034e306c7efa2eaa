import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import CertificateAuthority
import OIDCIssuer
import SigstoreKit
import Synchronization
import SwiftASN1
import X509
import WireFormat

/// Keys made once per test process: RSA generation and CA creation are slow in debug builds.
enum CAFixtures {
    static let plainIssuerURL = "http://127.0.0.1:5556"
    static let actionsIssuerURL = "http://127.0.0.1:5556/actions"
    static let rs256 = try! OIDCSigningKey.generateRS256()
    static let es256 = OIDCSigningKey.generateES256()
    static let caKeys = try! CAKeyMaterial.generate()
    static let ctKey = SigningKey.generateP256()
    static let issuers = IssuerPool([
        try! IssuerConfiguration(url: plainIssuerURL, type: .email),
        try! IssuerConfiguration(url: actionsIssuerURL, type: .githubWorkflow),
    ])

    static func oidcIssuer(url: String = plainIssuerURL, rs256: OIDCSigningKey = rs256, es256: OIDCSigningKey = es256) -> OIDCIssuer {
        OIDCIssuer(configuration: OIDCIssuerConfiguration(issuerURL: url), keys: try! OIDCKeyRing(rs256: rs256, es256: es256))
    }
}

/// Serves the development issuer's JWKS in-process and counts fetches, so tests can prove that
/// an unknown issuer causes none and an unknown kid causes exactly one.
final class InMemoryKeyFetcher: OIDCKeyFetcher {
    let issuer: OIDCIssuer
    private let count = Mutex(0)
    init(issuer: OIDCIssuer) { self.issuer = issuer }
    var fetches: Int { count.withLock { $0 } }

    func fetchKeys(issuerURL: String) async throws(TokenError) -> FetchedKeySet {
        count.withLock { $0 += 1 }
        guard issuerURL.hasExactPrefix(CAFixtures.plainIssuerURL) else {
            throw .discoveryFailed(issuer: issuerURL, reason: "unknown host")
        }
        return FetchedKeySet(keys: try JSONWebKeySet(json: CanonicalJSON.encode(await issuer.jwks())))
    }
}

/// A CT log in a box: signs real RFC 6962 precert SCTs with `key`, and counts submissions so
/// rejection tests can show nothing reached the log.
final class FakeCTLog: CTLogSubmitter {
    let key: SigningKey
    private let count = Mutex(0)
    init(key: SigningKey = CAFixtures.ctKey) { self.key = key }
    var submissions: Int { count.withLock { $0 } }

    func submitPrecertificate(chain: [[UInt8]]) async throws -> SignedCertificateTimestamp {
        count.withLock { $0 += 1 }
        let precert = try Certificate(derEncoded: chain[0])
        let issuer = try Certificate(derEncoded: chain[1])
        let tbs = try PrecertificateTBS.fromPrecertificate(precert)
        var spki = DER.Serializer()
        try spki.serialize(issuer.publicKey)
        let timestamp = UInt64(Date().timeIntervalSince1970 * 1000)
        let signed = try PrecertificateSignedData.build(timestamp: timestamp, extensions: [],
                                                        issuerKeyHash: Array(SHA256.hash(data: spki.serializedBytes)), tbsCertificate: tbs)
        let sct = SignedCertificateTimestamp(logID: key.verificationKey.keyID, timestamp: timestamp,
                                             signatureAlgorithm: .ecdsa, signature: try key.sign(signed))
        // Round-trip through the add-pre-chain JSON so the production decoder is exercised too.
        return try AddChainResponse.decode(AddChainResponse.encode(sct))
    }
}

/// One CA wired to one development issuer, with the pieces tests inspect.
struct CAHarness {
    let oidc: OIDCIssuer
    let fetcher: InMemoryKeyFetcher
    let ctLog: FakeCTLog
    let authority: CertificateIssuer

    init(now: @escaping @Sendable () -> Date = { Date() }, profile: CertificateProfile = .init()) {
        oidc = CAFixtures.oidcIssuer()
        fetcher = InMemoryKeyFetcher(issuer: oidc)
        ctLog = FakeCTLog()
        let validator = TokenValidator(issuers: CAFixtures.issuers, keyFetcher: fetcher, now: now)
        authority = CertificateIssuer(keys: CAFixtures.caKeys.material, validator: validator, ctLog: ctLog, metrics: IssuanceMetrics(),
                                      options: .init(profile: profile, now: now, ctLogKey: CAFixtures.ctKey.verificationKey))
    }

    var app: some ApplicationProtocol { Application(router: buildCARouter(authority: authority)) }

    func emailToken(claims: [String: JSONValue] = [:], audience: String = "sigstore") async throws -> String {
        try await oidc.mintToken(subject: "alice-sub", email: "alice@example.com", audience: audience, claims: claims)
    }

    func actionsToken() async throws -> String {
        let job = ActionsJob(
            repository: "octo-org/octo-repo", workflowPath: ".github/workflows/release.yml", workflowName: "Release",
            ref: "refs/heads/main", sha: "0123456789abcdef0123456789abcdef01234567", eventName: "push",
            actor: "octocat", actorID: "12", repositoryID: "74", repositoryOwnerID: "65", repositoryVisibility: "private",
            runID: "4242", runNumber: "10", runAttempt: "2", runnerEnvironment: "github-hosted", environment: "prod",
            jobWorkflowRef: nil, jobWorkflowSHA: nil, headRef: "", baseRef: "")
        let credentials = await oidc.registerJob(job)
        return try await oidc.actionsToken(requestToken: credentials.requestToken, audience: "sigstore")
    }

    /// Sends `body` (with `token` as bearer when given) and returns status and parsed JSON.
    func post(_ body: [UInt8], bearer: String? = nil) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        try await app.test(.router) { client in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let bearer { headers[.authorization] = "Bearer \(bearer)" }
            return try await client.execute(uri: "/api/v2/signingCert", method: .post, headers: headers,
                                            body: ByteBuffer(bytes: body)) { response in
                (response.status, try JSONValue(parsing: Array(buffer: response.body)))
            }
        }
    }
}

/// Request bodies as clients send them.
enum Requests {
    static func publicKey(_ key: P256.Signing.PrivateKey, challenge: String, token: String?) throws -> [UInt8] {
        let pop = try key.signature(for: Array(challenge.utf8)).derRepresentation
        return publicKey(pem: key.publicKey.pemRepresentation, proof: StrictBase64.encode(Array(pop)), token: token)
    }

    static func publicKey(pem: String, proof: String?, token: String?) -> [UInt8] {
        var keyRequest: [String: JSONValue] = ["publicKey": ["algorithm": "ECDSA", "content": .string(pem)]]
        if let proof { keyRequest["proofOfPossession"] = .string(proof) }
        var body: [String: JSONValue] = ["publicKeyRequest": .object(keyRequest)]
        if let token { body["credentials"] = ["oidcIdentityToken": .string(token)] }
        return CanonicalJSON.encode(.object(body))
    }

    /// sigstore-python's shape: only a CSR, the token in the Authorization header.
    static func csr(_ key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let csr = try CertificateSigningRequest(
            version: .v1, subject: DistinguishedName(), privateKey: .init(key), attributes: .init(),
            signatureAlgorithm: .ecdsaWithSHA256)
        let pem = try csr.serializeAsPEM().pemString
        return CanonicalJSON.encode(["certificateSigningRequest": .string(StrictBase64.encode(Array(pem.utf8)))])
    }

    static func csr(pem: String) -> [UInt8] {
        CanonicalJSON.encode(["certificateSigningRequest": .string(StrictBase64.encode(Array(pem.utf8)))])
    }
}

extension JSONValue {
    /// The chain of a successful signingCert answer.
    func issuedChain() throws -> [Certificate] {
        guard let pems = self["signedCertificateEmbeddedSct"]?["chain"]?["certificates"]?.arrayValue else {
            throw TestFailure("no chain in \(self)")
        }
        return try pems.map { try Certificate(pemEncoded: $0.stringValue ?? "") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
