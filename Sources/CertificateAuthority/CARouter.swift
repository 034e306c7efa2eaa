import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerSupport
import SigstoreKit
import WireFormat
import X509

/// The Fulcio v2 JSON API (sigstore-spec.md §A.1):
/// - `POST /api/v2/signingCert` → 200 `{"signedCertificateEmbeddedSct":{"chain":{"certificates":[leaf, intermediate, root]}}}`;
/// - `GET /api/v2/trustBundle`, `GET /api/v2/configuration`.
/// Errors are `{"code": N, "message": "..."}` (see `IssuanceErrorResponse.swift`): 400 for every
/// token, key, proof or CSR problem, 413 for bodies over the profile's limit, 500 when the CT log or
/// signing fails. One log line per request; tokens and keys are never logged.
public func buildCARouter(authority: CertificateIssuer, logger: Logger = Logger(label: "sigil.ca"),
                          middleware prepare: (Router<BasicRequestContext>) -> Void = { _ in }) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    prepare(router)
    router.add(middleware: InternalErrorMiddleware(logger: logger))
    router.get("/api/v2/trustBundle") { _, _ in JSONReply.canonical(authority.trustBundle()) }
    router.get("/api/v2/configuration") { _, _ in JSONReply.canonical(authority.configurationDocument()) }
    router.post("/api/v2/signingCert") { request, _ in
        try await signingCertificate(authority: authority, request: request, logger: logger)
    }
    return router
}

/// Issues a certificate or throws: an `IssuanceError` leaves as its own status and message,
/// anything else as 500 `internal error` (``InternalErrorMiddleware``).
private func signingCertificate(authority: CertificateIssuer, request: Request, logger: Logger) async throws -> Response {
    let chain: [Certificate]
    do {
        let body = try await requestBody(request, limit: authority.options.profile.maxRequestBytes)
        let parsed = try SigningCertificateRequest(json: body, bearerToken: BearerToken(headers: request.headers)?.value)
        chain = try await authority.issue(parsed)
    } catch let error as IssuanceError {
        // A refusal is the client's mistake, so notice rather than error; no case quotes the token.
        logger.notice("refused certificate request", metadata: ["reason": .string(error.description)])
        throw error
    }
    // The issuers' PEM never changes; only the leaf needs encoding per request.
    let pems = [PEMEncoding.encode(try CertificateIssuer.der(chain[0]), label: "CERTIFICATE")] + authority.keys.issuerPEMs
    logger.info("issued certificate", metadata: [
        "serial": .string(LowercaseHex.encode(chain[0].serialNumber.bytes)),
        "oidc_issuer": .string(chain[0].extensions[oid: FulcioExtension.issuerV1.oid].map { String(decoding: $0.value, as: UTF8.self) } ?? ""),
    ])
    return JSONReply.canonical(["signedCertificateEmbeddedSct": ["chain": ["certificates": .array(pems.map { .string($0) })]]])
}

/// The body, or `requestTooLarge` naming the profile's limit.
private func requestBody(_ request: Request, limit: Int) async throws -> [UInt8] {
    do {
        return Array(buffer: try await request.body.collect(upTo: limit))
    } catch is NIOTooManyBytesError {
        throw IssuanceError.requestTooLarge(limit: limit)
    }
}
