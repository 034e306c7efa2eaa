import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import OIDCIssuer
import Testing
import WireFormat

/// Bad input at the sign-in page and the code exchange: an error page or a JSON error, never a
/// code, a redirect or a token.
@Suite struct AuthorizationBadInputTests {
    typealias Flow = AuthorizationFlowHelper

    /// Markup typed as the email is refused, and shown back escaped: it never becomes markup.
    @Test func markupInTheEmailIsEscapedAndGetsNoCode() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE()))
            let email = #"<script>alert("x")</script>@example.com"#
            let answer = try await Flow.submit(client, page: page.body, email: email, subject: #""><img src=x>"#)
            #expect(answer.status == .badRequest)
            #expect(answer.headers[.location] == nil)
            #expect(!answer.body.contains("<script>") && !answer.body.contains("<img"), "\(answer.body)")
            #expect(answer.body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;@example.com"))
            #expect(answer.body.contains("invalid parameter email"))
            #expect(answer.body.contains("<form"), "the form is shown again to correct the address")
        }
    }

    @Test func markupInStateAndNonceIsEscapedOnThePage() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE(), state: #""><script>x</script>"#,
                                                                       nonce: "'><b>"))
            #expect(page.status == .ok)
            #expect(!page.body.contains("<script>x") && !page.body.contains("<b>"))
            #expect(page.body.contains("&quot;&gt;&lt;script&gt;x&lt;/script&gt;"))
        }
    }

    @Test(arguments: [("state", 513), ("nonce", 513), ("scope", 513), ("redirect_uri", 600)])
    func oversizedAuthorizationParametersGetAnErrorPage(name: String, length: Int) async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            var value = String(repeating: "a", count: length)
            if name == "scope" { value = "openid " + value }
            if name == "redirect_uri" { value = Flow.redirectURI + value }
            var fields = Flow.hiddenFields(try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE())).body)
            fields.removeAll { $0.0 == name }
            fields.append((name, value))
            let page = try await Flow.get(client, Flow.encode(fields))
            #expect(page.status == .badRequest)
            #expect(page.body.contains("longer than"), "\(page.body)")
            #expect(page.headers[.location] == nil)
        }
    }

    @Test func oversizedIdentityFieldsGetNoCode() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE()))
            let longEmail = String(repeating: "a", count: 250) + "@example.com"
            let email = try await Flow.submit(client, page: page.body, email: longEmail)
            #expect(email.status == .badRequest)
            #expect(email.headers[.location] == nil)
            let subject = try await Flow.submit(client, page: page.body, email: "a@example.com", subject: String(repeating: "s", count: 256))
            #expect(subject.status == .badRequest)
            #expect(subject.headers[.location] == nil)
            // A body beyond the form limit is refused before it is parsed.
            let huge = try await Flow.post(client, "/authorize", Flow.authorizeQuery(pkce: Flow.PKCE()) + "&email=" + String(repeating: "a", count: 20_000))
            #expect(huge.status == .badRequest)
            #expect(huge.headers[.location] == nil)
        }
    }

    @Test func anUnknownClientGetsAnErrorPageAndCannotRedeem() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: pkce, clientID: "mallory"))
            #expect(page.status == .badRequest)
            #expect(page.body.contains("unknown client_id"))
            #expect(page.headers[.location] == nil)
            let code = try await Flow.code(client, pkce: pkce)
            let other = try await Flow.exchange(client, code: code, verifier: pkce.verifier, clientID: "mallory")
            #expect(other.status == .unauthorized)
            #expect(try JSONValue(parsing: Array(other.body.utf8))["error"] == "invalid_client")
            let secret = try await Flow.exchange(client, code: code, verifier: pkce.verifier, clientIDInBody: false, basic: "sigstore:guess")
            #expect(secret.status == .unauthorized)
            let mismatch = try await Flow.exchange(client, code: code, verifier: pkce.verifier, clientID: "sigstore", basic: "other:")
            #expect(mismatch.status == .unauthorized)
            let anonymous = try await Flow.exchange(client, code: code, verifier: pkce.verifier, clientIDInBody: false)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func aFormWithoutTheRequestsParametersGetsNoCode() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE()))
            #expect(page.status == .ok)
            for missing in ["response_type", "client_id", "redirect_uri", "scope", "code_challenge", "code_challenge_method"] {
                var fields = Flow.hiddenFields(page.body).filter { $0.0 != missing }
                fields.append(("email", "alice@example.com"))
                let answer = try await Flow.post(client, "/authorize", Flow.encode(fields))
                #expect(answer.status == .badRequest, "without \(missing)")
                #expect(answer.headers[.location] == nil, "without \(missing)")
                #expect(answer.body.contains("Sign-in request refused"), "without \(missing): \(answer.body)")
            }
            let bare = try await Flow.post(client, "/authorize", "email=alice%40example.com")
            #expect(bare.status == .badRequest)
            #expect(bare.headers[.location] == nil)
            let noEmail = try await Flow.post(client, "/authorize", Flow.encode(Flow.hiddenFields(page.body)))
            #expect(noEmail.status == .badRequest)
            #expect(noEmail.headers[.location] == nil)
        }
    }

    @Test(arguments: [("response_type", "token"), ("scope", "email"), ("client_id", ""), ("code_challenge", "short"),
                      ("code_challenge_method", "plain"), ("state", "a\nb"), ("nonce", "\u{7F}")])
    func malformedAuthorizationRequestsGetAnErrorPage(name: String, value: String) async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            var fields = Flow.hiddenFields(try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE())).body)
            fields.removeAll { $0.0 == name }
            fields.append((name, value))
            let page = try await Flow.get(client, Flow.encode(fields))
            #expect(page.status == .badRequest, "\(name)=\(value): \(page.body)")
            #expect(page.headers[.location] == nil)
            #expect(page.body.contains("Sign-in request refused"))
        }
    }

    /// A repeated parameter or a bad percent escape: no "last one wins", no guessing.
    @Test(arguments: ["&response_type=code", "&state=second", "&x=%ZZ"])
    func ambiguousOrUndecodableQueriesGetAnErrorPage(suffix: String) async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        try await app.test(.live) { client in
            let page = try await Flow.get(client, Flow.authorizeQuery(pkce: Flow.PKCE()) + suffix)
            #expect(page.status == .badRequest, "\(suffix): \(page.body)")
            #expect(page.headers[.location] == nil)
        }
    }

    @Test func badTokenRequestsGetJSONErrorsWithoutSecrets() async throws {
        let app = OIDCTestFixtures.app(OIDCTestFixtures.issuer())
        let pkce = Flow.PKCE()
        try await app.test(.live) { client in
            let unknown = try await Flow.exchange(client, code: "not-a-code", verifier: pkce.verifier)
            #expect(unknown.status == .badRequest)
            #expect(try JSONValue(parsing: Array(unknown.body.utf8))["error"] == "invalid_grant")
            #expect(!unknown.body.contains(pkce.verifier))
            let grant = try await Flow.post(client, "/token", "grant_type=password&username=a&password=b")
            #expect(grant.status == .badRequest)
            #expect(try JSONValue(parsing: Array(grant.body.utf8))["error"] == "unsupported_grant_type")
            let noVerifier = try await Flow.post(client, "/token", "grant_type=authorization_code&code=x&redirect_uri=" +
                                                    Flow.percent(Flow.redirectURI) + "&client_id=sigstore")
            #expect(noVerifier.status == .badRequest)
            #expect(noVerifier.body.contains("code_verifier"))
            let oversized = try await Flow.exchange(client, code: String(repeating: "c", count: 600), verifier: pkce.verifier)
            #expect(oversized.status == .badRequest)
            #expect(!oversized.body.contains("cccc"))
            let badBasic = try await Flow.post(client, "/token", "grant_type=authorization_code&code=x&code_verifier=y&redirect_uri=z",
                                               headers: [.authorization: "Basic !!!"])
            #expect(badBasic.status == .unauthorized)
        }
    }

    @Test func redirectURIGrammar() throws {
        for good in ["http://127.0.0.1:1", "http://127.0.0.1:65535/", "http://localhost:8080/auth/callback", "http://[::1]:9/cb",
                     "urn:ietf:wg:oauth:2.0:oob"] {
            #expect((try? RedirectURI(good)) != nil, "\(good)")
        }
        #expect(throws: AuthorizationError.self) { try RedirectURI("http://127.0.0.1:012/") }
        #expect(throws: AuthorizationError.self) { try RedirectURI("http://127.0.0.1:80/a b") }
    }

    @Test func pkceS256MatchesRFC7636AppendixB() throws {
        // RFC 7636 Appendix B's example verifier and challenge.
        let challenge = try PKCEChallenge(challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", method: "S256")
        #expect(challenge.isSatisfied(by: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        #expect(!challenge.isSatisfied(by: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"))
        #expect(!challenge.isSatisfied(by: "short"))
    }
}
