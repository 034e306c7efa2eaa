import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import OIDCIssuer
import Testing
import WireFormat

/// The authorization-code flow with PKCE S256 through the issuer's routes, over a live socket
/// (the endpoints refuse peers that are not loopback): the happy path as sigstore-python and
/// `sigil` drive it, and each attack on the flow.
@Suite struct AuthorizationCodeFlowTests {
    typealias Flow = AuthorizationFlowHelper

    @Test func signInRedirectsWithCodeAndStateAndTheCodeYieldsTokens() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: pkce, nonce: "n-0S6_WzA2Mj"))
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.body.contains(#"<form method="post" action="authorize">"#))
            #expect(page.body.contains(#"name="email""#))
            #expect(!page.body.contains("<script") && !page.body.contains("src=") && !page.body.contains("href="), "no external assets")
            let redirect = try await Flow.submit(client, page: page.body, email: "alice@example.com")
            #expect(redirect.status == .seeOther)
            let location = try #require(redirect.headers[.location])
            #expect(location.hasPrefix(Flow.redirectURI + "?code="))
            let query = try #require(Flow.query(of: location))
            #expect(query["state"] == "af0ifjsldkj")
            let code = try #require(query["code"])
            let tokens = try await Flow.exchange(client, code: code, verifier: pkce.verifier, basic: "sigstore:")
            #expect(tokens.status == .ok)
            #expect(tokens.headers[.cacheControl] == "no-store")
            let answer = try JSONValue(parsing: Array(tokens.body.utf8))
            #expect(answer["token_type"] == "Bearer")
            #expect(answer["expires_in"] == 600)
            let idToken = try #require(answer["id_token"]?.stringValue)
            let accessToken = try #require(answer["access_token"]?.stringValue)
            let claims = try OIDCTestFixtures.claims(of: idToken)
            #expect(claims["email"] == "alice@example.com")
            #expect(claims["sub"] == "alice@example.com")
            #expect(claims["email_verified"] == true)
            #expect(claims["aud"] == "sigstore")
            #expect(claims["iss"] == "http://127.0.0.1:5556")
            #expect(claims["nonce"] == "n-0S6_WzA2Mj")
            // sigstore-python takes the access token as its identity token: same claims, same audience.
            #expect(try OIDCTestFixtures.claims(of: accessToken) == claims)
        }
    }

    /// What sigstore 4.5.1 sends: `localhost`, no nonce, an empty client_secret in the query,
    /// HTTP Basic `sigstore:` and no client_id in the token request body.
    @Test func theRealSigstoreClientsRequestShapeWorks() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        let redirect = "http://localhost:40123/auth/callback"
        try await app.test(.live) { client in
            let query = Flow.encode([("response_type", "code"), ("client_id", "sigstore"), ("client_secret", ""),
                                     ("scope", "openid email"), ("redirect_uri", redirect), ("code_challenge", pkce.challenge),
                                     ("code_challenge_method", "S256"), ("state", "2b4f0c4e-8f3e-4d0a-9a57-1a3c0d3f4e5a")])
            let page = try await Flow.get(client, query)
            #expect(page.status == .ok, "\(page.body)")
            let answer = try await Flow.submit(client, page: page.body, email: "bob@example.com", subject: "bob")
            let location = try #require(answer.headers[.location])
            #expect(location.hasPrefix(redirect + "?code="))
            let code = try #require(Flow.query(of: location)?["code"])
            let tokens = try await Flow.exchange(client, code: code, verifier: pkce.verifier, redirectURI: redirect,
                                                 clientIDInBody: false, basic: "sigstore:")
            #expect(tokens.status == .ok, "\(tokens.body)")
            let access = try #require(try JSONValue(parsing: Array(tokens.body.utf8))["access_token"]?.stringValue)
            let claims = try OIDCTestFixtures.claims(of: access)
            #expect(claims["sub"] == "bob")
            #expect(claims["email"] == "bob@example.com")
            #expect(claims["nonce"] == nil)
        }
    }

    @Test func publicClientWithClientIDInTheBodyWorks() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            let tokens = try await Flow.exchange(client, code: code, verifier: pkce.verifier)
            #expect(tokens.status == .ok, "\(tokens.body)")
        }
    }

    // MARK: Attacks on the flow

    @Test func aWrongCodeVerifierIsRefused() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            let refused = try await Flow.exchange(client, code: code, verifier: Flow.PKCE().verifier)
            #expect(refused.status == .badRequest)
            #expect(try JSONValue(parsing: Array(refused.body.utf8))["error"] == "invalid_grant")
            #expect(!refused.body.contains("eyJ"))
            #expect(!refused.body.contains(code), "the code is a secret: never echoed")
        }
    }

    @Test func aCodeWorksOnlyOnce() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            #expect(try await Flow.exchange(client, code: code, verifier: pkce.verifier).status == .ok)
            let again = try await Flow.exchange(client, code: code, verifier: pkce.verifier)
            #expect(again.status == .badRequest)
            #expect(try JSONValue(parsing: Array(again.body.utf8))["error"] == "invalid_grant")
        }
    }

    /// A failed exchange spends the code too: a guessed verifier gets one try.
    @Test func aRefusedExchangeSpendsTheCode() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            #expect(try await Flow.exchange(client, code: code, verifier: Flow.PKCE().verifier).status == .badRequest)
            #expect(try await Flow.exchange(client, code: code, verifier: pkce.verifier).status == .badRequest)
        }
    }

    @Test func anExpiredCodeIsRefused() async throws {
        let clock = TestClock()
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer(now: { clock.now }))
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            clock.advance(60)   // the default lifetime: expired at exactly 60 s
            let refused = try await Flow.exchange(client, code: code, verifier: pkce.verifier)
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("expired"))
        }
    }

    @Test func theCodeLifetimeIsASetting() async throws {
        let clock = TestClock()
        let issuer = OIDCTestFixtures.issuer(now: { clock.now }, codeLifetime: 5)
        let app = OIDCTestFixtures.app(issuer)
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let fresh = try await Flow.code(client, pkce: pkce)
            clock.advance(4)
            #expect(try await Flow.exchange(client, code: fresh, verifier: pkce.verifier).status == .ok)
            let stale = try await Flow.code(client, pkce: pkce)
            clock.advance(5)
            #expect(try await Flow.exchange(client, code: stale, verifier: pkce.verifier).status == .badRequest)
        }
    }

    @Test func aDifferentRedirectURIAtTheExchangeIsRefused() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let code = try await Flow.code(client, pkce: pkce)
            let refused = try await Flow.exchange(client, code: code, verifier: pkce.verifier,
                                                  redirectURI: "http://127.0.0.1:40124/auth/callback")
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("redirect_uri"))
        }
    }

    @Test(arguments: ["https://evil.example/cb", "http://evil.example:8080/cb", "http://127.0.0.1.evil.example:80/cb",
                      "http://localhost:1234@evil.example/cb", "http://localhost.evil.example:1234/", "http://LOCALHOST:1234/cb",
                      "http://127.0.0.1/cb", "http://127.0.0.1:0/cb", "http://127.0.0.1:70000/cb", "http://127.0.0.1:80/cb?next=x",
                      "http://127.0.0.1:80/cb#frag", "http://127.0.0.1:80\\@evil.example/", "javascript:alert(1)",
                      "urn:ietf:wg:oauth:2.0:oobx", "//evil.example/cb"])
    func aNonLoopbackRedirectURIGetsAnErrorPageAndNoRedirect(redirectURI: String) async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE(), redirectURI: redirectURI))
            #expect(page.status == .badRequest)
            #expect(page.headers[.location] == nil)
            #expect(page.body.contains("Sign-in request refused") && page.body.contains("redirect_uri"))
            #expect(!page.body.contains("<form"))
            // Posting the same parameters as a form (skipping the page) is refused the same way.
            let posted = try await Flow.post(client, "/authorize",
                                             Flow.authorizeQuery(pkce: Flow.PKCE(), redirectURI: redirectURI) + "&email=a%40example.com")
            #expect(posted.status == .badRequest)
            #expect(posted.headers[.location] == nil)
        }
    }

    @Test func aMissingCodeChallengeIsRefused() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let query = Flow.encode([("response_type", "code"), ("client_id", "sigstore"), ("scope", "openid email"),
                                     ("redirect_uri", Flow.redirectURI), ("state", "s")])
            let page = try await Flow.get(client, query)
            #expect(page.status == .badRequest)
            #expect(page.body.contains("code_challenge"))
            #expect(page.headers[.location] == nil)
            let plain = try await Flow.get(client, query + "&code_challenge=" + String(repeating: "a", count: 43) + "&code_challenge_method=plain")
            #expect(plain.status == .badRequest)
            #expect(plain.body.contains("S256"))
        }
    }

    @Test func stateIsEchoedByteForByte() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let state = " +/=&?é%41"
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE(), state: state))
            #expect(page.status == .ok)
            let redirect = try await Flow.submit(client, page: page.body, email: "alice@example.com")
            let location = try #require(redirect.headers[.location])
            #expect(location.contains("&state=%20%2B%2F%3D%26%3F%C3%A9%2541"))
            let echoed = try #require(Flow.query(of: location)?["state"])
            #expect(Array(echoed.utf8) == Array(state.utf8))
        }
    }

    @Test func theNonceIsInTheIDTokenOnlyWhenSent() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            for nonce in ["a nonce with spaces & <markup>", nil] as [String?] {
                let pkce = Flow.PKCE()
                let code = try await Flow.code(client, pkce: pkce, nonce: nonce)
                let tokens = try await Flow.exchange(client, code: code, verifier: pkce.verifier)
                let idToken = try #require(try JSONValue(parsing: Array(tokens.body.utf8))["id_token"]?.stringValue)
                #expect(try OIDCTestFixtures.claims(of: idToken)["nonce"] == nonce.map { .string($0) })
            }
        }
    }

    @Test func theOutOfBandFlowShowsTheCode() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: pkce, redirectURI: "urn:ietf:wg:oauth:2.0:oob"))
            #expect(page.status == .ok)
            let shown = try await Flow.submit(client, page: page.body, email: "carol@example.com")
            #expect(shown.status == .ok)
            #expect(shown.headers[.location] == nil)
            let code = try #require(Flow.shownCode(shown.body))
            let tokens = try await Flow.exchange(client, code: code, verifier: pkce.verifier, redirectURI: "urn:ietf:wg:oauth:2.0:oob")
            #expect(tokens.status == .ok)
        }
    }

    @Test func discoveryOffersTheFlow() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.router) { client in
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { response in
                let doc = try OIDCTestFixtures.json(response.body)
                // OpenID Connect Discovery 1.0 §3: every REQUIRED member.
                #expect(doc["issuer"] == "http://127.0.0.1:5556")
                #expect(doc["authorization_endpoint"] == "http://127.0.0.1:5556/authorize")
                #expect(doc["token_endpoint"] == "http://127.0.0.1:5556/token")
                #expect(doc["jwks_uri"] == "http://127.0.0.1:5556/jwks")
                #expect(doc["response_types_supported"] == ["code"])
                #expect(doc["subject_types_supported"] == ["public"])
                #expect(doc["id_token_signing_alg_values_supported"] == ["RS256", "ES256"])
                #expect(doc["code_challenge_methods_supported"] == ["S256"])
                #expect(doc["grant_types_supported"] == ["authorization_code"])
                #expect(doc["token_endpoint_auth_methods_supported"] == ["none"])
                #expect(doc["scopes_supported"]?.arrayValue?.contains("openid") == true)
            }
        }
    }
}
