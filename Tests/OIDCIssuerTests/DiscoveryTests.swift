import Foundation
import HummingbirdTesting
import JWTKit
@testable import OIDCIssuer
import Testing
import WireFormat

@Suite struct DiscoveryTests {
    @Test func plainDiscoveryNamesTheIssuerByteForByte() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { response in
                #expect(response.status == .ok)
                let doc = try OIDCTestFixtures.json(response.body)
                #expect(doc["issuer"] == "http://127.0.0.1:5556")
                #expect(doc["jwks_uri"] == "http://127.0.0.1:5556/jwks")
                #expect(doc["token_endpoint"] == "http://127.0.0.1:5556/token")
                #expect(doc["id_token_signing_alg_values_supported"] == ["RS256", "ES256"])
                #expect(doc["sigil_development_issuer"] == true)
            }
        }
    }

    @Test func actionsIssuerHasItsOwnDiscoveryAndJWKS() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/actions/.well-known/openid-configuration", method: .get) { response in
                let doc = try OIDCTestFixtures.json(response.body)
                #expect(doc["issuer"] == "http://127.0.0.1:5556/actions")
                #expect(doc["jwks_uri"] == "http://127.0.0.1:5556/actions/jwks")
            }
            try await client.execute(uri: "/actions/jwks", method: .get) { response in
                let keys = try OIDCTestFixtures.json(response.body)["keys"]
                #expect(keys?.arrayValue?.count == 2)
            }
        }
    }

    @Test func jwksPublishesBothKeysWithThumbprintKeyIDs() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/jwks", method: .get) { response in
                let keys = try #require(OIDCTestFixtures.json(response.body)["keys"]?.arrayValue)
                #expect(keys.map { $0["alg"] } == ["RS256", "ES256"])
                #expect(keys[0]["kid"] == .string(OIDCTestFixtures.rs256.keyID))
                #expect(keys[1]["kid"] == .string(OIDCTestFixtures.es256.keyID))
                #expect(keys[1]["crv"] == "P-256")
            }
        }
    }

    /// jwt-kit is an independent JOSE implementation: if it verifies our tokens against our JWKS,
    /// so will any relying party.
    @Test(arguments: OIDCSigningKey.Algorithm.allCases)
    func mintedTokensVerifyWithJWTKitAgainstThePublishedJWKS(algorithm: OIDCSigningKey.Algorithm) async throws {
        let issuer = OIDCTestFixtures.issuer()
        let jwks = String(decoding: CanonicalJSON.encode(await issuer.jwks()), as: UTF8.self)
        let token = try await issuer.mintToken(subject: nil, email: "alice@example.com", algorithm: algorithm)
        let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
        let payload = try await keys.verify(token, as: EmailPayload.self)
        #expect(payload.email == "alice@example.com")
        #expect(payload.sub.value == "alice@example.com")
        #expect(payload.iss.value == "http://127.0.0.1:5556")
        #expect(try OIDCTestFixtures.header(of: token)["alg"] == .string(algorithm.rawValue))
    }
}

struct EmailPayload: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var email: String
    var email_verified: Bool

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try aud.verifyIntendedAudience(includes: "sigstore")
    }
}
