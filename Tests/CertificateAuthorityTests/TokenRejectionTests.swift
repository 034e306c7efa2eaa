import Crypto
import Foundation
@testable import CertificateAuthority
import OIDCIssuer
import SigstoreKit
import Testing
import WireFormat

/// Every token problem answers 400 with a message naming it, and nothing reaches the CT log.
@Suite struct TokenRejectionTests {
    let now = Int64(Date().timeIntervalSince1970)

    /// Posts a valid P-256 key request with `token` and checks the refusal.
    func expectRefusal(_ ca: CAHarness, token: String, challenge: String = "alice@example.com", mentioning phrase: String,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (status, json) = try await ca.post(try Requests.publicKey(.init(), challenge: challenge, token: token))
        #expect(status == .badRequest, sourceLocation: sourceLocation)
        #expect(json["code"] == 400, sourceLocation: sourceLocation)
        let message = json["message"]?.stringValue ?? ""
        #expect(message.contains(phrase), "message: \(message)", sourceLocation: sourceLocation)
        #expect(!message.contains(token.prefix(20)), "the token is never echoed", sourceLocation: sourceLocation)
        #expect(json["signedCertificateEmbeddedSct"] == nil, sourceLocation: sourceLocation)
        #expect(ca.ctLog.submissions == 0, "nothing was issued", sourceLocation: sourceLocation)
    }

    @Test func expiredToken() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: try await ca.emailToken(claims: ["iat": .integer(now - 700), "exp": .integer(now - 1)]),
                                mentioning: "expired")
    }

    @Test func tokenExpiringThisSecondIsAlreadyExpired() async throws {
        let fixed = Date(timeIntervalSince1970: 1_900_000_000)
        let ca = CAHarness(now: { fixed })
        try await expectRefusal(ca, token: try await ca.emailToken(claims: ["iat": 1_899_999_400, "exp": 1_900_000_000]),
                                mentioning: "expired")
    }

    @Test func notYetValidToken() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: try await ca.emailToken(claims: ["nbf": .integer(now + 600), "exp": .integer(now + 1200)]),
                                mentioning: "not valid before")
    }

    @Test func tokenIssuedInTheFuture() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: try await ca.emailToken(claims: ["iat": .integer(now + 600), "exp": .integer(now + 1200)]),
                                mentioning: "issued in the future")
    }

    @Test func smallClockSkewIsTolerated() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken(claims: ["iat": .integer(now + 20), "nbf": .integer(now + 20)])
        let (status, _) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: token))
        #expect(status == .ok)
    }

    @Test func wrongAudience() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: try await ca.emailToken(audience: "someone-else"), mentioning: "does not contain \"sigstore\"")
    }

    @Test func audienceArrayContainingSigstoreIsAccepted() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken(claims: ["aud": ["other", "sigstore"]])
        let (status, _) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: token))
        #expect(status == .ok)
    }

    @Test func unknownIssuerIsRejectedWithoutAnyFetch() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken(claims: ["iss": "https://evil.example/"])
        try await expectRefusal(ca, token: token, mentioning: "\"https://evil.example/\" is not configured")
        #expect(ca.fetcher.fetches == 0)
    }

    @Test func algNoneIsRejected() async throws {
        let ca = CAHarness()
        let claims = try await claimsSegment(ca)
        let token = JWTForge.segment(["alg": "none", "typ": "JWT"]) + "." + claims + "."
        try await expectRefusal(ca, token: token, mentioning: "algorithm \"none\" is not allowed")
        #expect(ca.fetcher.fetches == 0)
    }

    /// The classic confusion attack: HMAC keyed with the issuer's RSA public key, which anyone can download.
    @Test func hs256SignedWithThePublicKeyIsRejected() async throws {
        let ca = CAHarness()
        let header = JWTForge.segment(["alg": "HS256", "typ": "JWT", "kid": .string(CAFixtures.rs256.keyID)])
        let input = header + "." + (try await claimsSegment(ca))
        let secret = SymmetricKey(data: Array(try publicKeyPEM(CAFixtures.rs256).utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: secret)
        try await expectRefusal(ca, token: input + "." + JWTForge.base64URL(Array(mac)), mentioning: "algorithm \"HS256\" is not allowed")
    }

    @Test func unknownKeyIDIsRejectedAfterOneRefresh() async throws {
        let ca = CAHarness()
        let stranger = CAFixtures.oidcIssuer(es256: OIDCSigningKey.generateES256())
        let token = try await stranger.mintToken(subject: "alice-sub", email: "alice@example.com")
        try await expectRefusal(ca, token: token, mentioning: "no key with kid")
        #expect(ca.fetcher.fetches == 1)
    }

    @Test func badSignatureIsRejected() async throws {
        let ca = CAHarness()
        var parts = try await ca.emailToken().split(separator: ".").map(String.init)
        let other = try await ca.emailToken(claims: ["email": "mallory@example.com"])
        parts[2] = String(other.split(separator: ".")[2])
        try await expectRefusal(ca, token: parts.joined(separator: "."), mentioning: "signature does not verify")
    }

    @Test func tamperedClaimsAreRejected() async throws {
        let ca = CAHarness()
        var parts = try await ca.emailToken().split(separator: ".").map(String.init)
        parts[1] = try await claimsSegment(ca, email: "mallory@example.com")
        try await expectRefusal(ca, token: parts.joined(separator: "."), challenge: "mallory@example.com",
                                mentioning: "signature does not verify")
    }

    @Test func emailNotVerifiedIsRejected() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: try await ca.emailToken(claims: ["email_verified": false]), mentioning: "email not verified")
    }

    @Test func emailVerifiedAsStringTrueIsAccepted() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken(claims: ["email_verified": "true"])
        let (status, _) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: token))
        #expect(status == .ok)
    }

    @Test func missingTokenIsRejected() async throws {
        let ca = CAHarness()
        let (status, json) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: nil))
        #expect(status == .badRequest)
        #expect(json["message"]?.stringValue?.contains("no token") == true)
    }

    @Test func garbageTokenIsRejected() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, token: "not-a-jwt", mentioning: "malformed JWT")
    }

    // MARK: helpers

    /// The claims segment of a valid email token, optionally with another email.
    func claimsSegment(_ ca: CAHarness, email: String = "alice@example.com") async throws -> String {
        var claims: [String: JSONValue] = [
            "iss": "http://127.0.0.1:5556", "sub": "alice-sub", "aud": "sigstore", "email": .string(email),
            "email_verified": true, "iat": .integer(now), "exp": .integer(now + 600),
        ]
        claims["nbf"] = .integer(now)
        return JWTForge.segment(.object(claims))
    }

    func publicKeyPEM(_ key: OIDCSigningKey) throws -> String {
        // The JWKS n/e of the RSA key, re-encoded as the PEM an attacker would use as the HMAC secret.
        let jwk = key.publicJWK
        let n = JWTForge.decode(jwk["n"]!.stringValue!), e = JWTForge.decode(jwk["e"]!.stringValue!)
        return try RSAPublicKeyPEM.make(n: n, e: e)
    }
}

/// Hand-made JWS pieces for attacks the issuer would never sign.
enum JWTForge {
    static func segment(_ value: JSONValue) -> String { base64URL(CanonicalJSON.encode(value)) }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8] {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Array(Data(base64Encoded: s)!)
    }
}
