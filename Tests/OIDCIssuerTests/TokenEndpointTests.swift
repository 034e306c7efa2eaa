import Foundation
import HummingbirdTesting
import NIOCore
@testable import OIDCIssuer
import Testing

@Suite struct TokenEndpointTests {
    @Test func loopbackClientGetsAnIDTokenWithTheRequestedClaims() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let claims = #"{"email_verified":false,"groups":["dev"]}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await app.test(.live) { client in
            let body = ByteBuffer(string: "subject=alice&email=alice%40example.com&claims=\(claims)")
            try await client.execute(uri: "/token", method: .post, headers: OIDCTestFixtures.formHeaders, body: body) { response in
                #expect(response.status == .ok)
                let doc = try OIDCTestFixtures.json(response.body)
                #expect(doc["token_type"] == "Bearer")
                #expect(doc["expires_in"] == 600)
                #expect(doc["access_token"] == doc["id_token"])
                let token = try #require(doc["id_token"]?.stringValue)
                let payload = try OIDCTestFixtures.claims(of: token)
                #expect(payload["sub"] == "alice")
                #expect(payload["email"] == "alice@example.com")
                #expect(payload["email_verified"] == false)
                #expect(payload["aud"] == "sigstore")
                #expect(payload["groups"] == ["dev"])
                let iat = try #require(payload["iat"]?.integerValue)
                #expect(payload["exp"]?.integerValue == iat + 600)
            }
        }
    }

    @Test func audienceAndAlgorithmCanBeChosen() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let body = ByteBuffer(string: "subject=bob&audience=other&alg=RS256")
            try await client.execute(uri: "/token", method: .post, headers: OIDCTestFixtures.formHeaders, body: body) { response in
                let token = try #require(try OIDCTestFixtures.json(response.body)["id_token"]?.stringValue)
                #expect(try OIDCTestFixtures.claims(of: token)["aud"] == "other")
                #expect(try OIDCTestFixtures.header(of: token)["alg"] == "RS256")
            }
        }
    }

    @Test func missingSubjectAndEmailIsABadRequest() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            try await client.execute(uri: "/token", method: .post, headers: OIDCTestFixtures.formHeaders,
                                     body: ByteBuffer(string: "audience=sigstore")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func claimsThatAreNotAnObjectAreABadRequest() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            try await client.execute(uri: "/token", method: .post, headers: OIDCTestFixtures.formHeaders,
                                     body: ByteBuffer(string: "subject=a&claims=%5B1%5D")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// The in-memory router has no socket peer at all; the endpoint must fail closed.
    @Test func requestWithoutAKnownPeerIsForbidden() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/token", method: .post, headers: OIDCTestFixtures.formHeaders,
                                     body: ByteBuffer(string: "subject=alice")) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("eyJ"))
            }
        }
    }

    @Test func loopbackCheckAcceptsOnlyLoopbackAddresses() throws {
        #expect(isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1)))
        #expect(isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 1)))
        #expect(isLoopback(try SocketAddress(ipAddress: "::1", port: 1)))
        #expect(!isLoopback(try SocketAddress(ipAddress: "10.0.0.1", port: 1)))
        #expect(!isLoopback(try SocketAddress(ipAddress: "192.168.1.127", port: 1)))
        #expect(!isLoopback(try SocketAddress(ipAddress: "2001:db8::1", port: 1)))
        #expect(!isLoopback(nil))
    }

    @Test func formFieldsRejectDuplicatesAndDecodeEscapes() throws {
        let form = try FormFields(body: Array("a=x+y%21&b=&c".utf8))
        #expect(form["a"] == "x y!")
        #expect(form["b"] == nil)
        #expect(throws: OIDCIssuerError.self) { try FormFields(body: Array("a=1&a=2".utf8)) }
    }
}
