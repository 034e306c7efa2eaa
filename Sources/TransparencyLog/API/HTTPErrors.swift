import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerSupport

/// Every refusal leaves as Rekor's error shape, `{"code": <status>, "message": "..."}`.
extension LogError: JSONResponseError {
    public var status: HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .unprocessable: .unprocessableContent
        case .internalError: .internalServerError
        }
    }

    public var responseHeaders: HTTPFields {
        var headers = HTTPFields()
        if let location { headers[.location] = location }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let logIndex, let name = HTTPField.Name("x-log-index") { headers[name] = String(logIndex) }
        return headers
    }
}

/// A database outage during a read: 503, retry in a second (as an append that cannot commit).
extension StorageUnavailable: JSONResponseError {
    public var status: HTTPResponse.Status { .serviceUnavailable }

    public var responseHeaders: HTTPFields {
        var headers = HTTPFields()
        headers[.retryAfter] = "1"
        return headers
    }
}

extension Request {
    /// The body, or 413 naming the limit.
    func collectBody(limit: Int) async throws -> [UInt8] {
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw LogError(.payloadTooLarge, "request body exceeds the limit of \(limit) bytes")
        }
    }
}

/// Small helpers for answering with JSON or text.
enum Reply {
    /// `value` in the Rekor wire encoding (``RekorJSON/encoder``).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        try JSONReply.encoding(value, with: RekorJSON.encoder, status: status, headers: headers)
    }

    static func bytes(_ bytes: [UInt8], contentType: String, cacheControl: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        bytes(Array(text.utf8), contentType: contentType)
    }
}
