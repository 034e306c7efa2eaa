import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import ServerSupport
import Synchronization
import Testing
import WireFormat

@Suite struct OperationsRoutesTests {
    @Test func readinessIsServiceUnavailableUntilEveryCheckHolds() async throws {
        let broken = BrokenFlag()
        let router = Router()
        OperationsRoutes(checks: [.settled("keys"), ReadinessCheck("database") { broken.problem }], metrics: nil).add(to: router)
        broken.set("database is locked")
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["status"] == .string("not ready"))
                #expect(body["checks"]?["database"] == .string("database is locked"))
                #expect(body["checks"]?["keys"] == .string("ok"))
            }
            broken.set(nil)
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func requestLinesAreJSONWithoutQueryOrHeaders() async throws {
        let lines = LineCollector()
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label, output: { lines.append($0) }) }
        let router = Router()
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.get("/things/{id}") { _, _ in "thing" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/things/7?token=secret-value", method: .get,
                                     headers: [.authorization: "Bearer secret-header"]) { #expect($0.status == .ok) }
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/eyJhbGciOiJFUzI1NiJ9.secret-path-token", method: .get) { #expect($0.status == .notFound) }
        }
        let recorded = lines.all
        #expect(recorded.count == 2)
        let unmatched = try JSONValue(parsing: recorded[1].dropLast())
        #expect(unmatched["route"] == .string("unmatched") && unmatched["path"] == nil && unmatched["status"] == .integer(404))
        let line = try #require(recorded.first)
        #expect(line.last == UInt8(ascii: "\n") && line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        let fields = try JSONValue(parsing: line.dropLast())
        #expect(fields["route"] == .string("/things/{id}"))
        #expect(fields["path"] == .string("/things/7"))
        #expect(fields["status"] == .integer(200) && fields["method"] == .string("GET"))
        #expect(fields["logger"] == .string("test") && fields["level"] == .string("info"))
        for line in recorded { #expect(!String(decoding: line, as: UTF8.self).contains("secret")) }
    }
}

final class BrokenFlag: Sendable {
    private let state = Mutex<String?>(nil)
    func set(_ problem: String?) { state.withLock { $0 = problem } }
    var problem: String? { state.withLock { $0 } }
}

final class LineCollector: Sendable {
    private let lines = Mutex<[[UInt8]]>([])
    func append(_ line: [UInt8]) { lines.withLock { $0.append(line) } }
    var all: [[UInt8]] { lines.withLock { $0 } }
}
