import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerSupport
import Testing
import WireFormat

/// Slow, idle, oversized and excess connections against a live server built from
/// `ListenerSettings.serverBuilder()`, on a free port, over raw TCP.
@Suite struct ConnectionLimitsTests {
    /// A generous bound for deadlines of one second: it checks that a connection is closed at all,
    /// not how fast.
    let patience: Duration = .seconds(10)
    /// Long enough never to be the deadline a test observes.
    let never: Duration = .seconds(60)

    @Test func limitsAreListenerSettings() throws {
        let defaults = try SettingsReader(file: nil, known: ListenerSettings.keys, prefix: "SIGIL_T_", environment: [:])
        #expect(try ListenerSettings.read(from: defaults, defaultPort: 1, host: nil, port: nil).limits == ConnectionLimits())
        let environment = ["SIGIL_T_HEADER_TIMEOUT_SECONDS": "5", "SIGIL_T_BODY_TIMEOUT_SECONDS": "7",
                           "SIGIL_T_IDLE_TIMEOUT_SECONDS": "9", "SIGIL_T_MAX_CONNECTIONS": "10"]
        let reader = try SettingsReader(file: nil, known: ListenerSettings.keys, prefix: "SIGIL_T_", environment: environment)
        #expect(try ListenerSettings.read(from: reader, defaultPort: 1, host: nil, port: nil).limits
            == ConnectionLimits(headerTimeout: .seconds(5), bodyTimeout: .seconds(7), idleTimeout: .seconds(9), maxConnections: 10))
        let zero = try SettingsReader(file: nil, known: ListenerSettings.keys, prefix: "SIGIL_T_",
                                      environment: ["SIGIL_T_IDLE_TIMEOUT_SECONDS": "0"])
        #expect(throws: ConfigurationError.self) { try ListenerSettings.read(from: zero, defaultPort: 1, host: nil, port: nil) }
    }

    @Test func aHeadTrickledByteByByteIsCutOffWhileOthersAreServed() async throws {
        let limits = ConnectionLimits(headerTimeout: .seconds(1), bodyTimeout: never, idleTimeout: never)
        try await withServer(limits) { port in
            let slow = try RawConnection(port: port)
            try await slow.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            // A byte every 200 ms: never idle, so only a deadline counted from the first byte ends it.
            let trickle = Task {
                for _ in 0..<50 {
                    try await Task.sleep(for: .milliseconds(200))
                    try await slow.send("x")
                }
            }
            defer { trickle.cancel() }
            let other = try RawConnection(port: port)
            try await other.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let served = await other.receive(until: "hello", within: patience)
            #expect(served.text.hasPrefix("HTTP/1.1 200"))
            let cutOff = await slow.receive(within: patience)
            #expect(cutOff.closed)
            #expect(cutOff.text.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test func aBodyThatNeverComesIsCutOff() async throws {
        let limits = ConnectionLimits(headerTimeout: never, bodyTimeout: .seconds(1), idleTimeout: never)
        try await withServer(limits) { port in
            let stalled = try RawConnection(port: port)
            try await stalled.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly part")
            let result = await stalled.receive(within: patience)
            #expect(result.closed)
            #expect(!result.text.contains("200"))
            // A body that does come in time is answered.
            let complete = try RawConnection(port: port)
            try await complete.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello")
            #expect(await complete.receive(until: "hello", within: patience).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    /// A client that closes its side before sending the body its head announced made a bad request:
    /// it is told so (400, JSON), not that the server failed.
    @Test func aBodyCutShortByTheClientIs400() async throws {
        let limits = ConnectionLimits(headerTimeout: never, bodyTimeout: .seconds(30), idleTimeout: never)
        try await withServer(limits) { port in
            let client = try RawConnection(port: port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{\"a\":1}")
            client.finishSending()
            let answer = await client.receive(within: patience)
            #expect(answer.text.hasPrefix("HTTP/1.1 400"), "\(answer.text)")
            #expect(answer.text.contains(#""message":"malformed HTTP request: the body ended before the length its head announced""#))
        }
    }

    @Test func aSlowHeadAfterASlowBodyOnOneConnectionIsCutOffByTheHeaderDeadline() async throws {
        // The connection's one timer fires during the first request's body and is re-armed for the
        // long body deadline; the second request's header deadline, sooner, must move it earlier.
        let limits = ConnectionLimits(headerTimeout: .seconds(1), bodyTimeout: never, idleTimeout: never)
        try await withServer(limits) { port in
            let connection = try RawConnection(port: port)
            try await connection.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhe")
            try await Task.sleep(for: .milliseconds(1_500))
            try await connection.send("llo")
            #expect(await connection.receive(until: "hello", within: patience).text.hasPrefix("HTTP/1.1 200"))
            try await connection.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            let cutOff = await connection.receive(within: patience)
            #expect(cutOff.closed)
            #expect(cutOff.text.hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        let limits = ConnectionLimits(headerTimeout: never, bodyTimeout: never, idleTimeout: .seconds(1))
        try await withServer(limits) { port in
            let silent = try RawConnection(port: port)
            let keptAlive = try RawConnection(port: port)
            try await keptAlive.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = await keptAlive.receive(until: "hello", within: patience)
            #expect(response.text.hasPrefix("HTTP/1.1 200") && !response.closed)
            #expect(await keptAlive.receive(within: patience).closed)
            #expect(await silent.receive(within: patience).closed)
        }
    }

    @Test func anOversizedHeadGets431WithTheJSONError() async throws {
        try await withServer(ConnectionLimits()) { port in
            let connection = try RawConnection(port: port)
            let token = String(repeating: "a", count: 200_000)
            // The server may stop reading part-way; what matters is what comes back.
            try? await connection.send("GET /hello HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n\r\n")
            let result = await connection.receive(within: patience)
            let text = result.text
            #expect(text.hasPrefix("HTTP/1.1 431"))
            #expect(text.lowercased().contains("content-type: application/json"))
            #expect(!text.contains(token.prefix(100)))
            let body = try #require(text.range(of: "\r\n\r\n").map { text[$0.upperBound...] })
            let json = try JSONValue(parsing: Array(body.utf8))
            #expect(json["code"] == .integer(431))
            guard case .string(let message) = json["message"] else { Issue.record("no message in \(body)"); return }
            #expect(message.contains("81920"))
            #expect(result.closed)
        }
    }

    @Test func connectionsBeyondTheBoundAreClosed() async throws {
        let limits = ConnectionLimits(headerTimeout: never, bodyTimeout: never, idleTimeout: never, maxConnections: 2)
        try await withServer(limits) { port in
            var held: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try RawConnection(port: port)
                try await connection.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(await connection.receive(until: "hello", within: patience).text.hasPrefix("HTTP/1.1 200"))
                held.append(connection)
            }
            let excess = try RawConnection(port: port)
            let refused = await excess.receive(within: patience)
            #expect(refused.closed && refused.bytes.isEmpty)
            // A slot given back can be used again.
            held.removeFirst().close()
            var servedAgain = false
            for _ in 0..<50 where !servedAgain {
                let retry = try RawConnection(port: port)
                try? await retry.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
                servedAgain = await retry.receive(until: "hello", within: .seconds(1)).text.hasPrefix("HTTP/1.1 200")
                if !servedAgain { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(servedAgain)
        }
    }

    /// Runs `test` against a server with these limits on a free loopback port, then stops it.
    private func withServer(_ limits: ConnectionLimits, _ test: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.add(middleware: InternalErrorMiddleware(logger: Logger(label: "connection-limits-test")))
        router.get("/hello") { _, _ in "hello" }
        router.post("/echo") { request, _ in String(buffer: try await request.body.collect(upTo: 1 << 20)) }
        var logger = Logger(label: "connection-limits-test")
        logger.logLevel = .critical
        let (ports, found) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, server: try ListenerSettings(host: "127.0.0.1", port: 0, limits: limits).serverBuilder(),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { found.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await test(port)
        server.cancel()
        _ = await server.result
    }
}
