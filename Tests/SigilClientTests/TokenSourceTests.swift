import Foundation
import Hummingbird
import NIOCore
import SigilClient
import Testing

/// The token comes from --identity-token, then SIGSTORE_ID_TOKEN, then GitHub Actions.
@Suite struct TokenSourceTests {
    static func jwt(_ subject: String) -> String { TestFulcio().token(subject: subject) }

    @Test func explicitTokenWinsOverEverything() async throws {
        let source = IdentityTokenSource(explicitToken: Self.jwt("arg@example.com"),
                                         environment: ["SIGSTORE_ID_TOKEN": Self.jwt("env@example.com"),
                                                       "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/x?a=b",
                                                       "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"])
        let (token, origin) = try await source.resolve()
        #expect(origin == .argument)
        #expect(token.subject == "arg@example.com")
    }

    @Test func environmentBeatsGitHubActions() async throws {
        let source = IdentityTokenSource(explicitToken: nil,
                                         environment: ["SIGSTORE_ID_TOKEN": Self.jwt("env@example.com"),
                                                       "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/x?a=b",
                                                       "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t"])
        let (token, origin) = try await source.resolve()
        #expect(origin == .environment)
        #expect(token.subject == "env@example.com")
    }

    @Test func explicitTokenMayBeAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try (Self.jwt("file@example.com") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (token, _) = try await IdentityTokenSource(explicitToken: path, environment: [:]).resolve()
        #expect(token.subject == "file@example.com")
    }

    /// The runner's URL already has a query string: the client appends `&audience=sigstore` and
    /// sends the request token as a bearer credential.
    @Test func gitHubActionsAmbientToken() async throws {
        let router = Router(context: BasicRequestContext.self)
        router.get("/token") { request, _ -> Response in
            guard request.uri.query?.contains("run=1&audience=sigstore") == true,
                  request.headers[.authorization]?.lowercased() == "bearer request-token" else { return Response(status: .forbidden) }
            let body = #"{"count":1,"value":"\#(Self.jwt("repo:octo/app:ref:refs/heads/main"))"}"#
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let server = try await LiveServer.start(router)
        defer { Task { await server.stop() } }
        let source = IdentityTokenSource(explicitToken: nil, environment: ["ACTIONS_ID_TOKEN_REQUEST_URL": server.url + "/token?run=1",
                                                                          "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-token"])
        let (token, origin) = try await source.resolve()
        #expect(origin == .githubActions)
        #expect(token.subject == "repo:octo/app:ref:refs/heads/main")
        let refused = IdentityTokenSource(explicitToken: nil, environment: ["ACTIONS_ID_TOKEN_REQUEST_URL": server.url + "/token?run=1",
                                                                           "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "wrong"])
        await #expect(throws: TokenError.self) { try await refused.resolve() }
    }

    @Test func noSourceIsAnError() async throws {
        await #expect(throws: TokenError.self) { try await IdentityTokenSource(explicitToken: nil, environment: [:]).resolve() }
        await #expect(throws: TokenError.self) {
            try await IdentityTokenSource(explicitToken: nil, environment: ["SIGSTORE_ID_TOKEN": ""]).resolve()
        }
        #expect(throws: TokenError.self) { try IdentityToken("not.a-jwt") }
    }

    @Test func tokenNeverAppearsInItsDescription() throws {
        let raw = Self.jwt("alice@example.com")
        let token = try IdentityToken(raw)
        #expect(!"\(token)".contains(raw))
        #expect(!"\(token)".contains(raw.split(separator: ".")[1]))
    }
}
