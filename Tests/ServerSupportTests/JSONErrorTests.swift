import Hummingbird
import HummingbirdTesting
import Logging
import ServerSupport
import Testing
import WireFormat

/// A domain error as the servers define theirs: a status per case, the description as the message.
private enum SampleError: JSONResponseError, Equatable {
    case missing(String)
    case busy

    var status: HTTPResponse.Status { self == .busy ? .serviceUnavailable : .notFound }
    var description: String { if case .missing(let what) = self { "no \(what)" } else { "busy" } }
    var responseHeaders: HTTPFields { self == .busy ? [.retryAfter: "5"] : [:] }
}

private struct Unexpected: Error {
    let secret = "must not be sent"
}

@Suite struct JSONErrorTests {
    @Test func bodyIsCodeAndMessage() throws {
        let body = try JSONValue(parsing: JSONErrorBody.encode(status: .contentTooLarge, message: "too big"))
        #expect(body == .object(["code": .integer(413), "message": .string("too big")]))
    }

    @Test func thrownErrorsLeaveAsJSONWithTheirStatusAndHeaders() async throws {
        let router = Router()
        router.add(middleware: InternalErrorMiddleware(logger: Logger(label: "test")))
        router.get("/missing") { _, _ -> Response in throw SampleError.missing("entry") }
        router.get("/busy") { _, _ -> Response in throw SampleError.busy }
        router.get("/bug") { _, _ -> Response in throw Unexpected() }
        router.get("/ok") { _, _ in JSONReply.canonical(["fine": true]) }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body == ["code": 404, "message": "no entry"])
            }
            try await client.execute(uri: "/busy", method: .get) { response in
                #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "5")
            }
            try await client.execute(uri: "/bug", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body == ["code": 500, "message": "internal error"])
            }
            try await client.execute(uri: "/ok", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body) == #"{"fine":true}"#)
            }
        }
    }

    /// Hummingbird's own errors (an unknown path, an oversized body) keep their status and get the
    /// JSON body every Sigil API answers with, instead of an empty one.
    @Test func hummingbirdsOwnErrorsLeaveAsJSON() async throws {
        let router = Router()
        router.add(middleware: InternalErrorMiddleware(logger: Logger(label: "test")))
        router.post("/small") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 8)
            return JSONReply.canonical(["fine": true])
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body == ["code": 404, "message": "Not Found"])
            }
            try await client.execute(uri: "/small", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 64))) { response in
                #expect(response.status == .contentTooLarge)
                let body = try JSONValue(parsing: Array(buffer: response.body))
                #expect(body["code"] == 413)
            }
        }
    }
}
