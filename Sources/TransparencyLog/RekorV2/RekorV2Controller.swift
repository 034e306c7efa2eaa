import HTTPTypes
import Hummingbird
import NIOCore
import SigstoreKit
import WireFormat

/// Rekor v2 (rekor-tiles) under the v2 log's base path: `POST api/v2/log/entries` (`CreateEntry`,
/// protobuf JSON in and out) and the tlog-tiles reads (`checkpoint`, `tile/…`).
///
/// Answers 201 with the `TransparencyLogEntry` once the entry is durable and covered by a signed
/// checkpoint; 409 with `x-log-index` for a duplicate; 400/413 with a reason for a refused
/// request (nothing is logged); 503 with `Retry-After` when the queue is full.
struct RekorV2Controller: Sendable {
    let log: RekorV2Log

    func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.post("api/v2/log/entries") { request, _ in try await create(request) }
        TilesController(service: log).addRoutes(to: router)
    }

    func create(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: log.configuration.maxRequestBytes)
        let entry = try await log.add(request: body)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let json = CanonicalJSON.encode(entry.transparencyLogEntry.protoJSON)
        return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
