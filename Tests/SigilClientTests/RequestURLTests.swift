import Foundation
import Hummingbird
@testable import SigilClient
import Testing

/// URLs the client requests: checked before AsyncHTTPClient (and NIO, which traps on a port over
/// 65535) sees them, on every redirect hop too, and named in messages without their credentials.
@Suite struct RequestURLTests {
    @Test func credentialsAreTakenOutOfMessages() {
        let cases = [
            ("http://user:pw@127.0.0.1:3000/x", "http://***@127.0.0.1:3000/x"),
            ("http://user:pa@ss@host/", "http://***@host/"),
            ("https://u:p/w@host/path?q=a@b", "https://***@host/path?q=a@b"),
            ("user:pw@host/x", "***@host/x"),
            ("//user:pw@host", "//***@host"),
            ("http://[::1]:3000/", "http://[::1]:3000/"),
            ("http://host/path?next=http://a:b@c", "http://host/path?next=http://a:b@c"),
        ]
        for (url, shown) in cases {
            #expect(RequestURL.redacted(url) == shown, "\(url)")
        }
    }

    @Test func portsOutsideTheRangeAreRefused() {
        #expect(RequestURL.problem("http://127.0.0.1:65536/") != nil)
        #expect(RequestURL.problem("http://127.0.0.1:0/") != nil)
        #expect(RequestURL.problem("http://u:secret@127.0.0.1:99999/")?.contains("secret") == false)
        #expect(RequestURL.problem("http://127.0.0.1:65535/") == nil)
        #expect(RequestURL.problem("https://example.com/path") == nil)
    }

    /// A server that redirects to a port NIO cannot hold gets a clear error, not a crashed process;
    /// an ordinary redirect is followed (a POST answered 303 becomes a GET).
    @Test func redirectsAreCheckedHopByHop() async throws {
        let router = Router()
        router.post("/bad") { _, _ in Response(status: .temporaryRedirect, headers: [.location: "http://127.0.0.1:70000/x"]) }
        router.post("/moved") { _, _ in Response(status: .seeOther, headers: [.location: "/target"]) }
        router.get("/target") { _, _ in #"{"fine":true}"# }
        let server = try await LiveServer.start(router)
        defer { Task { await server.stop() } }
        let transport = HTTPTransport(baseURL: server.url)
        await #expect {
            _ = try await transport.send(.POST, "/bad", body: Array("{}".utf8))
        } throws: { error in
            (error as? ClientError)?.description.contains("port 70000, outside 1–65535") == true
        }
        let answer = try await transport.send(.POST, "/moved", body: Array("{}".utf8))
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("fine"))
    }
}
