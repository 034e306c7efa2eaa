import AsyncHTTPClient
import Foundation
import NIOCore
import SigstoreKit
import WireFormat
import X509

/// Submits a precertificate chain to a CT log and returns the log's SCT. The CA issues nothing
/// when this throws.
public protocol CTLogSubmitter: Sendable {
    /// `chain[0]` is the DER precertificate, then the DER issuer chain up to the root.
    func submitPrecertificate(chain: [[UInt8]]) async throws -> SignedCertificateTimestamp

    /// The same, with `chain[0]` also as the CA holds it parsed. A log in the same process takes
    /// it as is instead of parsing the DER again; the default sends `chain` alone.
    func submitPrecertificate(_ precertificate: Certificate, chain: [[UInt8]]) async throws -> SignedCertificateTimestamp
}

extension CTLogSubmitter {
    public func submitPrecertificate(_ precertificate: Certificate, chain: [[UInt8]]) async throws -> SignedCertificateTimestamp {
        try await submitPrecertificate(chain: chain)
    }
}

/// RFC 6962 §4.1 `POST <log>/ct/v1/add-pre-chain` with `{"chain": [base64 DER, ...]}`; the answer is
/// `{"sct_version", "id", "timestamp", "extensions", "signature"}` (§4.1, `signature` being the TLS
/// `digitally-signed` struct).
public struct HTTPCTLogSubmitter: CTLogSubmitter {
    let endpoint: String
    let httpClient: HTTPClient
    let timeout: TimeAmount

    /// `logURL` is the log's base URL, e.g. `http://127.0.0.1:3000`.
    public init(logURL: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(10)) {
        var base = logURL
        while base.hasSuffix("/") { base.removeLast() }
        endpoint = base + "/ct/v1/add-pre-chain"
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func submitPrecertificate(chain: [[UInt8]]) async throws -> SignedCertificateTimestamp {
        let body: JSONValue = ["chain": .array(chain.map { .string(StrictBase64.encode($0)) })]
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.encode(body)))
        let response = try await httpClient.execute(request, timeout: timeout)
        let answer = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .ok else {
            throw CTError("add-pre-chain answered \(response.status.code)")
        }
        return try AddChainResponse.decode(Array(buffer: answer))
    }
}

/// The RFC 6962 §4.1 `add-chain`/`add-pre-chain` response, as an SCT. Its base64 fields are read
/// with ``StrictBase64``: this is plain JSON, not proto3 JSON, and CT logs (Go's `encoding/json`,
/// Sigil's own log) write canonical padded base64.
public enum AddChainResponse {
    public static func decode(_ bytes: [UInt8]) throws(CTError) -> SignedCertificateTimestamp {
        guard let doc = try? JSONValue(parsing: bytes) else { throw CTError("add-pre-chain response is not JSON") }
        guard doc["sct_version"]?.integerValue == 0 else { throw CTError("unsupported sct_version") }
        guard let id = doc["id"]?.stringValue.flatMap(StrictBase64.decode), id.count == 32 else {
            throw CTError("add-pre-chain response id is not a base64 32-byte log ID")
        }
        guard let timestamp = doc["timestamp"]?.integerValue, timestamp >= 0 else {
            throw CTError("add-pre-chain response timestamp is not a non-negative integer")
        }
        let extensions = doc["extensions"]?.stringValue.flatMap(StrictBase64.decode) ?? []
        guard let signed = doc["signature"]?.stringValue.flatMap(StrictBase64.decode), signed.count >= 4 else {
            throw CTError("add-pre-chain response signature is missing")
        }
        // digitally-signed: hash u8 ‖ signature algorithm u8 ‖ u16 length ‖ signature.
        guard let hash = SignedCertificateTimestamp.HashAlgorithmID(rawValue: signed[0]),
              let algorithm = SignedCertificateTimestamp.SignatureAlgorithmID(rawValue: signed[1])
        else { throw CTError("add-pre-chain response names an unknown signature algorithm") }
        let length = Int(signed[2]) << 8 | Int(signed[3])
        guard signed.count == 4 + length else { throw CTError("add-pre-chain response signature has the wrong length") }
        return SignedCertificateTimestamp(logID: id, timestamp: UInt64(timestamp), extensions: extensions,
                                          hashAlgorithm: hash, signatureAlgorithm: algorithm, signature: Array(signed[4...]))
    }

    /// The JSON answer for `sct` (what a CT log sends; used by test logs).
    public static func encode(_ sct: SignedCertificateTimestamp) -> [UInt8] {
        let length = sct.signature.count
        let signed = [sct.hashAlgorithm.rawValue, sct.signatureAlgorithm.rawValue, UInt8(length >> 8), UInt8(length & 0xFF)] + sct.signature
        return CanonicalJSON.encode([
            "sct_version": 0, "id": .string(StrictBase64.encode(sct.logID)), "timestamp": .integer(Int64(sct.timestamp)),
            "extensions": .string(StrictBase64.encode(sct.extensions)), "signature": .string(StrictBase64.encode(signed)),
        ])
    }
}
