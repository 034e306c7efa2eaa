import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import AsyncHTTPClient
import Hummingbird
import NIOCore
import OIDCIssuer
@testable import SigilClient
import Synchronization
import TestSupport
import Testing
import WireFormat

/// The browser sign-in of `sigil` against the real development issuer, served on a loopback
/// port: the "browser" here reads the sign-in page, posts its form, and follows the issuer's
/// redirect to the client's one-shot listener, as a person's browser would.
@Suite(.timeLimit(.minutes(1))) struct InteractiveSignInTests {
    /// The development issuer on a free loopback port; its URL is only known once it listens, so
    /// the issuer is configured for the port reserved first.
    static func startIssuer() async throws -> (server: LiveServer, issuer: String) {
        let port = try FreePort.find()
        let url = "http://127.0.0.1:\(port)"
        let issuer = OIDCIssuer(configuration: OIDCIssuerConfiguration(issuerURL: url),
                                keys: try OIDCKeyRing(rs256: try OIDCSigningKey.generateRS256(), es256: OIDCSigningKey.generateES256()))
        let server = try await LiveServer.start(buildOIDCRouter(issuer: issuer), port: port)
        return (server, url)
    }

    /// A browser that signs in as `email`: GET the page, post the form back, follow the redirects.
    static func browser(email: String, opened: Recorder) -> @Sendable (String) -> Bool {
        { url in
            opened.record(url)
            Task {
                let (page, _) = try await URLSession.shared.data(from: URL(string: url)!)
                let html = String(decoding: page, as: UTF8.self)
                let pattern = try NSRegularExpression(pattern: #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#)
                var fields: [(String, String)] = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map {
                    (String(html[Range($0.range(at: 1), in: html)!]), String(html[Range($0.range(at: 2), in: html)!]).replacingOccurrences(of: "&amp;", with: "&"))
                }
                fields.append(("email", email))
                var request = URLRequest(url: URL(string: String(url.prefix { $0 != "?" }))!)
                request.httpMethod = "POST"
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(InteractiveSignIn.formEncoded(fields).utf8)
                _ = try await URLSession.shared.data(for: request)   // follows the 303 to the listener
            }
            return true
        }
    }

    @Test func browserSignInReturnsTheIDTokenOfThePersonWhoSignedIn() async throws {
        let (server, issuer) = try await Self.startIssuer()
        defer { Task { await server.stop() } }
        let opened = Recorder()
        let told = Recorder()
        var flow = InteractiveSignIn(issuer: issuer, mode: .browser(open: Self.browser(email: "erin@example.com", opened: opened)),
                                     tell: { told.record($0) })
        flow.timeout = .seconds(20)
        let token = try await flow.signIn()
        #expect(token.email == "erin@example.com")
        #expect(token.issuer == issuer)
        let url = try #require(opened.entries.first)
        #expect(url.hasPrefix(issuer + "/authorize?response_type=code&client_id=sigstore&scope=openid%20email&redirect_uri=http%3A%2F%2Flocalhost%3A"))
        #expect(url.contains("&code_challenge_method=S256&state=") && url.contains("&nonce="))
        #expect(told.entries.joined().contains(url), "the URL is printed too, for when no browser opens")
    }

    /// A provider whose ID token lacks this sign-in's nonce, or names another issuer, is refused:
    /// the token could be a replay, or meant for another sign-in.
    @Test(arguments: [("no nonce", false, false), ("another issuer", true, true)])
    func idTokensNotMadeForThisSignInAreRefused(case name: String, echoNonce: Bool, otherIssuer: Bool) async throws {
        // The server listens on a port the system picks (no window for another test to take a
        // port chosen in advance); its routes read the issuer URL once it is known.
        let issuerURL = Recorder()
        let nonces = Recorder()
        let router = Router(context: BasicRequestContext.self)
        router.get("/.well-known/openid-configuration") { _, _ -> Response in
            let issuer = issuerURL.entries.first ?? ""
            let body = #"{"issuer":"\#(issuer)","authorization_endpoint":"\#(issuer)/auth","token_endpoint":"\#(issuer)/token"}"#
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.post("/token") { _, _ -> Response in
            let issuer = issuerURL.entries.first ?? ""
            var claims: [String: JSONValue] = ["iss": .string(otherIssuer ? "https://elsewhere.example" : issuer),
                                              "sub": "eve", "aud": "sigstore", "exp": .integer(Int64(Date().timeIntervalSince1970) + 600)]
            if echoNonce, let nonce = nonces.entries.first { claims["nonce"] = .string(nonce) }
            let jwt = Base64URL.encode(Array(#"{"alg":"ES256"}"#.utf8)) + "." + Base64URL.encode(CanonicalJSON.encode(.object(claims))) + ".c2ln"
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"id_token":"\#(jwt)","token_type":"Bearer"}"#)))
        }
        let server = try await LiveServer.start(router)
        defer { Task { await server.stop() } }
        let issuer = server.url
        issuerURL.record(issuer)
        // The "browser" skips the provider's page and answers at the listener with the right state.
        let browser: @Sendable (String) -> Bool = { url in
            let query = URLComponents(string: url)?.queryItems ?? []
            let value = { (name: String) in query.first { $0.name == name }?.value ?? "" }
            nonces.record(value("nonce"))
            let callback = value("redirect_uri") + "?code=c&state=" + value("state")
            // AsyncHTTPClient, not URLSession: FoundationNetworking's shared session has hung here
            // under a loaded CI run, holding the test past its time limit.
            Task { _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: callback), timeout: .seconds(10)) }
            return true
        }
        var flow = InteractiveSignIn(issuer: issuer, mode: .browser(open: browser), tell: { _ in })
        flow.timeout = .seconds(20)
        let error = await #expect(throws: TokenError.self) { try await flow.signIn() }
        #expect(error?.description.contains(otherIssuer ? "issued by https://elsewhere.example" : "nonce") == true, "\(name): \(String(describing: error))")
    }

    @Test func noBrowserAndNoCallbackTimesOutClearly() async throws {
        let (server, issuer) = try await Self.startIssuer()
        defer { Task { await server.stop() } }
        var flow = InteractiveSignIn(issuer: issuer, mode: .browser(open: { _ in false }), tell: { _ in })
        flow.timeout = .milliseconds(300)
        await #expect(throws: TokenError.self) { try await flow.signIn() }
    }

    @Test func aCallbackWithAnotherStateIsRefused() throws {
        #expect(try InteractiveSignIn.code(fromCallback: "code=abc&state=s%201", expectedState: "s 1") == "abc")
        #expect(throws: TokenError.self) { try InteractiveSignIn.code(fromCallback: "code=abc&state=other", expectedState: "s 1") }
        #expect(throws: TokenError.self) { try InteractiveSignIn.code(fromCallback: "code=abc", expectedState: "s") }
        #expect(throws: TokenError.self) { try InteractiveSignIn.code(fromCallback: "code=a&code=b&state=s", expectedState: "s") }
        #expect(throws: TokenError.self) { try InteractiveSignIn.code(fromCallback: "state=s", expectedState: "s") }
        let refused = #expect(throws: TokenError.self) {
            try InteractiveSignIn.code(fromCallback: "error=access_denied&error_description=no%1B%5B2J&state=s", expectedState: "s")
        }
        #expect(refused?.description.contains("access_denied") == true)
        #expect(refused?.description.contains("\u{1B}") == false, "a provider's text reaches the terminal without escape sequences")
    }

    @Test func discoveryMustOfferTheFlowOverASafeTransport() throws {
        let good: JSONValue = ["issuer": "https://id.example", "authorization_endpoint": "https://id.example/auth",
                               "token_endpoint": "https://id.example/token"]
        #expect(try OpenIDProviderEndpoints(document: good, issuer: "https://id.example").tokenEndpoint == "https://id.example/token")
        #expect(throws: TokenError.self) { try OpenIDProviderEndpoints(document: good, issuer: "https://id.example/") }
        let scriptsOnly: JSONValue = ["issuer": "https://id.example", "token_endpoint": "https://id.example/token"]
        #expect(throws: TokenError.self) { try OpenIDProviderEndpoints(document: scriptsOnly, issuer: "https://id.example") }
        let cleartext: JSONValue = ["issuer": "https://id.example", "authorization_endpoint": "http://id.example/auth",
                                    "token_endpoint": "https://id.example/token"]
        #expect(throws: TokenError.self) { try OpenIDProviderEndpoints(document: cleartext, issuer: "https://id.example") }
        let plainOnly: JSONValue = ["issuer": "https://id.example", "authorization_endpoint": "https://id.example/auth",
                                    "token_endpoint": "https://id.example/token", "code_challenge_methods_supported": ["plain"]]
        #expect(throws: TokenError.self) { try OpenIDProviderEndpoints(document: plainOnly, issuer: "https://id.example") }
        #expect(throws: TokenError.self) { try OpenIDProviderEndpoints.requireSecure("http://localhost.evil.example/", what: "x") }
    }

    @Test func browserCommandsFollowTheBROWSERConvention() {
        let launcher = BrowserLauncher(environment: ["BROWSER": "firefox --new-window:chromium %s"])
        #expect(launcher.commands(for: "http://x/") == [["firefox", "--new-window", "http://x/"], ["chromium", "http://x/"],
                                                         ["xdg-open", "http://x/"], ["open", "http://x/"]])
        #expect(!BrowserLauncher(environment: ["PATH": "/nonexistent"]).open("http://x/"))
    }
}

/// What a closure was handed, for checking after the flow ran.
final class Recorder: Sendable {
    private let items = Mutex<[String]>([])
    func record(_ item: String) { items.withLock { $0.append(item) } }
    var entries: [String] { items.withLock { $0 } }
}
