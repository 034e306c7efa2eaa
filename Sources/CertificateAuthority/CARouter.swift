import Foundation
import Hummingbird
import Logging
import NIOCore
import SigstoreKit
import WireFormat
import X509

/// The Fulcio v2 JSON API (sigstore-spec.md §A.1):
/// - `POST /api/v2/signingCert` → 200 `{"signedCertificateEmbeddedSct":{"chain":{"certificates":[leaf, intermediate, root]}}}`;
/// - `GET /api/v2/trustBundle`, `GET /api/v2/configuration`.
/// Errors are `{"code": N, "message": "..."}`: 400 for every token, key, proof or CSR problem, 413
/// for bodies over the profile's limit, 500 when the CT log or signing fails. One log line per
/// request; tokens and keys are never logged.
public func buildCARouter(authority: CertificateIssuer, logger: Logger = Logger(label: "sigil.ca"),
                          middleware prepare: (Router<BasicRequestContext>) -> Void = { _ in }) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    prepare(router)
    router.get("/api/v2/trustBundle") { _, _ in caJSON(authority.trustBundle()) }
    router.get("/api/v2/configuration") { _, _ in caJSON(authority.configurationDocument()) }
    router.post("/api/v2/signingCert") { request, _ in
        await signingCertificate(authority: authority, request: request, logger: logger)
    }
    return router
}

private func signingCertificate(authority: CertificateIssuer, request: Request, logger: Logger) async -> Response {
    do {
        let limit = authority.options.profile.maxRequestBytes
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw IssuanceError.requestTooLarge(limit: limit)
        }
        let parsed = try SigningCertificateRequest(json: Array(buffer: body), bearerToken: bearerToken(request))
        let chain = try await authority.issue(parsed)
        // The issuers' PEM never changes; only the leaf needs encoding per request.
        let pems = [PEMEncoding.encode(try CertificateIssuer.der(chain[0]), label: "CERTIFICATE")] + authority.keys.issuerPEMs
        logger.info("issued certificate", metadata: [
            "serial": .string(LowercaseHex.encode(chain[0].serialNumber.bytes)),
            "oidc_issuer": .string(chain[0].extensions[oid: FulcioExtension.issuerV1.oid].map { String(decoding: $0.value, as: UTF8.self) } ?? ""),
        ])
        return caJSON(["signedCertificateEmbeddedSct": ["chain": ["certificates": .array(pems.map { .string($0) })]]])
    } catch let error as IssuanceError {
        logger.notice("refused certificate request", metadata: ["reason": .string(error.description)])
        return caJSON(["code": .integer(Int64(error.status.code)), "message": .string(error.description)], status: error.status)
    } catch {
        logger.error("certificate request failed", metadata: ["reason": .string("\(type(of: error))")])
        return caJSON(["code": 500, "message": "internal error"], status: .internalServerError)
    }
}

/// The `Authorization: Bearer` value, scheme compared case-insensitively (RFC 7235 §2.1).
private func bearerToken(_ request: Request) -> String? {
    guard let header = request.headers[.authorization] else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased().isExactly("bearer") else { return nil }
    return parts[1].trimmingCharacters(in: .whitespaces)
}

private func caJSON(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(value))))
}

extension IssuanceError {
    /// Fulcio maps client errors to InvalidArgument (400), never 401.
    var status: HTTPResponse.Status {
        switch self {
        case .requestTooLarge: .contentTooLarge
        case .transparencyLogFailed, .signingFailed: .internalServerError
        default: .badRequest
        }
    }
}
