import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import CertificateAuthority
import OIDCIssuer
import SigstoreKit
import SwiftASN1
import TestSupport
import Testing
import X509
import WireFormat

/// Identities are compared as UTF-8 bytes, never by canonical equivalence: tried at the CA's
/// HTTP API with a real discovery/JWKS server under the test's control, as an attacker with an
/// issuer of their own would. Each look-alike is refused, and the look-alike issuer's URL is
/// never fetched.
@Suite(.timeLimit(.minutes(2))) struct LookAlikeIdentityTests {
    /// Pairs that `String ==` equates: (look-alike, what it imitates).
    static let lookAlikes: [(String, String)] = [
        ("\u{212A}", "K"), ("\u{212B}", "\u{00C5}"), ("\u{2126}", "\u{03A9}"),
        ("\u{037E}", ";"), ("\u{1FEF}", "`"), ("e\u{0301}", "\u{00E9}"),
    ]

    @Test func theLookAlikesReallyAreEqualAsSwiftStrings() {
        for (lookAlike, original) in Self.lookAlikes {
            #expect(lookAlike == original, "the premise of these tests: Swift equates \(lookAlike.unicodeScalars.map(\.value)) with \(original.unicodeScalars.map(\.value))")
            #expect(!lookAlike.isExactly(original))
            #expect(ExactString(lookAlike) != ExactString(original))
            #expect(Set([ExactString(lookAlike), ExactString(original)]).count == 2)
        }
    }

    @Test func aLookAlikeIssuerIsRefusedAndNeverFetched() async throws {
        try await Stack.run { stack in
            // The control: the trusted issuer's own token is accepted, so the refusals below are not an accident.
            let good = try await stack.issue(iss: stack.realm("Kelvin"), email: "victim@example.com")
            #expect(good.status == .ok, "\(good.json)")
            let fetchedForTrusted = stack.server.requestedPaths.count
            #expect(fetchedForTrusted == 2, "discovery and JWKS of the trusted realm: \(stack.server.requestedPaths)")

            for (lookAlike, original) in Self.lookAlikes {
                // Imitates a configured realm where the character occurs in one, else an unconfigured one.
                let imitated = original == "K" ? "\(lookAlike)elvin" : original == ";" ? "semi\(lookAlike)colon" : "Kelvin\(lookAlike)"
                for forged in [stack.realm(imitated), stack.server.origin.replacingOccurrences(of: "127", with: "12\(lookAlike)") + "/realms/Kelvin"] {
                    let answer = try await stack.issue(iss: forged, email: "victim@example.com", signedBy: stack.attacker)
                    #expect(answer.status == .badRequest, "iss \(forged.unicodeScalars.map(\.value)): \(answer.json)")
                    #expect(answer.json["message"]?.stringValue?.contains("iss") == true, "\(answer.json)")
                }
            }
            #expect(stack.server.requestedPaths.count == fetchedForTrusted, "the CA fetched \(stack.server.requestedPaths.dropFirst(fetchedForTrusted))")
        }
    }

    @Test func aLookAlikeEmailIsRefused() async throws {
        try await Stack.run { stack in
            #expect(try await stack.issue(iss: stack.realm("Kelvin"), email: "Kate@example.com").status == .ok)
            for (lookAlike, original) in Self.lookAlikes {
                for email in ["\(lookAlike)ate@example.com", "kate@\(lookAlike)example.com", "a\(lookAlike)b@example.com"] {
                    let answer = try await stack.issue(iss: stack.realm("Kelvin"), email: email)
                    #expect(answer.status == .badRequest, "email imitating \(original): \(answer.json)")
                }
            }
        }
    }

    @Test func aLookAlikeUsernameIsRefused() async throws {
        try await Stack.run { stack in
            let kate = try await stack.issue(iss: stack.realm("users"), sub: "Kate")
            #expect(kate.status == .ok, "\(kate.json)")
            let san = try kate.json.issuedChain()[0].extensions.subjectAlternativeNames.map(Array.init)
            guard case .otherName(let other)? = san?.first, let value = other.value else {
                Issue.record("no username otherName in \(String(describing: san))")
                return
            }
            #expect(String(try ASN1UTF8String(asn1Any: value)).isExactly("Kate!example.org"))
            // Non-ASCII in normalization form C is certified as it is.
            #expect(try await stack.issue(iss: stack.realm("users"), sub: "caf\u{00E9}").status == .ok)

            for (lookAlike, original) in Self.lookAlikes {
                let answer = try await stack.issue(iss: stack.realm("users"), sub: "\(lookAlike)ate")
                #expect(answer.status == .badRequest, "username imitating \(original): \(answer.json)")
                #expect(answer.json["message"]?.stringValue?.contains("normalization form C") == true, "\(answer.json)")
            }
        }
    }

    @Test func aLookAlikeURISubjectIsRefused() async throws {
        try await Stack.run { stack in
            #expect(try await stack.issue(iss: stack.realm("uri"), sub: "https://example.com/Kate").status == .ok)
            for (lookAlike, original) in Self.lookAlikes {
                for sub in ["https://example.com/\(lookAlike)ate", "https://\(lookAlike)example.com/kate"] {
                    let answer = try await stack.issue(iss: stack.realm("uri"), sub: sub)
                    #expect(answer.status == .badRequest, "URI imitating \(original): \(answer.json)")
                }
            }
        }
    }

    @Test func claimsWithControlOrInvisibleCharactersAreRefused() async throws {
        try await Stack.run { stack in
            for sub in ["Ka\u{0000}te", "Kate\u{001B}[2K", "Ka\u{007F}te", "Ka\u{0085}te", "Kat\u{202E}e", "Ka\u{200B}te"] {
                let answer = try await stack.issue(iss: stack.realm("users"), sub: sub)
                #expect(answer.status == .badRequest, "sub \(sub.unicodeScalars.map(\.value)): \(answer.json)")
            }
            // The email issuer copies `sub` into extension .1.24 verbatim, so it is held to the same rules.
            let answer = try await stack.issue(iss: stack.realm("Kelvin"), email: "kate@example.com", sub: "kate\r\nVerified OK")
            #expect(answer.status == .badRequest, "\(answer.json)")
        }
    }

    @Test func issuerConfigurationsMustBeASCII() {
        #expect(throws: IssuerConfigurationError.self) { try IssuerConfiguration(url: "https://\u{212A}elvin.example.com", type: .email) }
        #expect(throws: IssuerConfigurationError.self) { try IssuerConfiguration(url: "https://example.com/caf\u{00E9}", type: .email) }
        let pool = IssuerPool([try! IssuerConfiguration(url: "https://example.com/realms/Kelvin", type: .email)])
        #expect(pool.issuer(for: "https://example.com/realms/Kelvin") != nil)
        #expect(pool.issuer(for: "https://example.com/realms/\u{212A}elvin") == nil)
    }

    @Test func wildcardIssuersMatchBytes() throws {
        let pool = IssuerPool([try IssuerConfiguration(url: "https://*.example.com/Kelvin", match: .wildcard, type: .email)])
        #expect(pool.issuer(for: "https://a.example.com/Kelvin") != nil)
        #expect(pool.issuer(for: "https://a.example.com/\u{212A}elvin") == nil)
        #expect(pool.issuer(for: "https://\u{212A}.example.com/Kelvin") == nil)
    }

    /// The CA (over its HTTP router) trusting four realms of one recording issuer server.
    struct Stack {
        let server: RecordingIssuerServer
        let attacker: OIDCIssuer
        let app: Application<RouterResponder<BasicRequestContext>>

        func realm(_ name: String) -> String { server.origin + "/realms/" + name }

        static func run(_ body: @Sendable (Stack) async throws -> Void) async throws {
            let port = try FreePort.find()
            let origin = "http://127.0.0.1:\(port)"
            let trusted = CAFixtures.oidcIssuer(url: origin + "/realms/Kelvin")
            let attacker = OIDCIssuer(configuration: OIDCIssuerConfiguration(issuerURL: origin + "/realms/attacker"),
                                      keys: try OIDCKeyRing(rs256: CAFixtures.rs256, es256: OIDCSigningKey.generateES256()))
            let server = RecordingIssuerServer(port: port, trusted: trusted, attacker: attacker,
                                               trustedRealms: ["/realms/Kelvin", "/realms/semi;colon", "/realms/users", "/realms/uri"])
            let issuers = IssuerPool([
                try IssuerConfiguration(url: origin + "/realms/Kelvin", type: .email),
                try IssuerConfiguration(url: origin + "/realms/semi;colon", type: .email),
                try IssuerConfiguration(url: origin + "/realms/users", type: .username, subjectDomain: "example.org"),
                try IssuerConfiguration(url: origin + "/realms/uri", type: .uri, subjectDomain: "https://example.com"),
            ])
            let authority = CertificateIssuer(
                keys: CAFixtures.caKeys.material, validator: TokenValidator(issuers: issuers, keyFetcher: HTTPOIDCKeyFetcher()),
                ctLog: FakeCTLog(), metrics: IssuanceMetrics(), options: .init(ctLogKey: CAFixtures.ctKey.verificationKey))
            let app = Application(router: buildCARouter(authority: authority))
            try await RunningServer.with(router: server.router(), port: port) {
                try await body(Stack(server: server, attacker: attacker, app: app))
            }
        }

        /// Asks the CA for a certificate with a token for `iss`, signed by `signer` (the trusted
        /// issuer's keys by default), proving possession of a fresh key over the challenge claim.
        func issue(iss: String, email: String? = nil, sub: String? = nil, signedBy signer: OIDCIssuer? = nil) async throws
            -> (status: HTTPResponse.Status, json: JSONValue)
        {
            let minting = signer ?? server.trusted
            let token = try await minting.mintToken(subject: sub ?? email, email: email, claims: ["iss": .string(iss)])
            let key = P256.Signing.PrivateKey()
            let body = try Requests.publicKey(key, challenge: email ?? sub ?? "", token: token)
            return try await app.test(.router) { client in
                try await client.execute(uri: "/api/v2/signingCert", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(bytes: body)) { response in
                    (response.status, try JSONValue(parsing: Array(buffer: response.body)))
                }
            }
        }
    }
}
