import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerSupport
import SigstoreKit
import WireFormat

/// The API of Sigstore's timestamp-authority (sigstore-next.md §B.1):
/// - `POST /api/v1/timestamp` with `Content-Type: application/timestamp-query` (DER TimeStampReq)
///   or `application/json` → 200 `application/timestamp-reply` (DER TimeStampResp, granted);
/// - `GET /api/v1/timestamp/certchain` → `application/pem-certificate-chain`, leaf first.
/// Refusals are `{"code": N, "message": "..."}`: 400 with the RFC 3161 reason, 415 for another
/// content type, 413 over the size limit. Nothing from a request is logged.
public func buildTSARouter(issuer: TimestampIssuer, logger: Logger = Logger(label: "sigil.tsa"),
                           middleware prepare: (Router<BasicRequestContext>) -> Void = { _ in }) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    prepare(router)
    router.add(middleware: InternalErrorMiddleware(logger: logger))
    let chain = ByteBuffer(string: issuer.chainPEM)
    router.get("/api/v1/timestamp/certchain") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/pem-certificate-chain"], body: .init(byteBuffer: chain))
    }
    router.post("/api/v1/timestamp") { request, _ in
        try await timestamp(issuer: issuer, request: request, logger: logger)
    }
    return router
}

private func timestamp(issuer: TimestampIssuer, request: Request, logger: Logger) async throws -> Response {
    do {
        let form: TimestampIssuer.RequestForm
        let body: [UInt8]
        do {
            form = try requestForm(request)
            body = try await requestBody(request, limit: issuer.options.maxRequestBytes)
        } catch let error as TimestampServiceError {
            issuer.refused(error)                  // `timestamp` counts its own refusals
            throw error
        }
        let reply = try issuer.timestamp(body, form: form)
        return Response(status: .ok, headers: [.contentType: "application/timestamp-reply"],
                        body: .init(byteBuffer: ByteBuffer(bytes: reply)))
    } catch let error as TimestampServiceError {
        // The reason names a rule or an OID, never request bytes.
        logger.notice("refused timestamp request", metadata: ["reason": .string(error.metricReason)])
        throw error
    }
}

/// The form the `Content-Type` names (parameters such as `; charset=utf-8` ignored).
private func requestForm(_ request: Request) throws(TimestampServiceError) -> TimestampIssuer.RequestForm {
    let value = request.headers[.contentType] ?? ""
    // A protocol token: lowercased in ASCII only and compared as bytes, so no look-alike matches.
    let mediaType = (value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "").asciiLowercased
    if mediaType.isExactly("application/timestamp-query") { return .der }
    if mediaType.isExactly("application/json") { return .json }
    throw TimestampServiceError.unsupportedMediaType
}

/// The body, or `requestTooLarge` naming the limit.
private func requestBody(_ request: Request, limit: Int) async throws -> [UInt8] {
    do {
        return Array(buffer: try await request.body.collect(upTo: limit))
    } catch is NIOTooManyBytesError {
        throw TimestampServiceError.requestTooLarge(limit: limit)
    }
}
