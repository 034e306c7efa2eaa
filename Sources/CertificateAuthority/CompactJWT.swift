import SigstoreKit
import WireFormat

/// A compact-serialized JWS (RFC 7515 §7.1) split and decoded, not yet verified.
struct CompactJWT: Sendable {
    let header: JSONValue
    let claims: JSONValue
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Upper bound on a token; real ID tokens are a few KB.
    static let maxLength = 64 * 1024

    init(_ token: String) throws(TokenError) {
        guard token.utf8.count <= Self.maxLength else { throw .malformed("longer than \(Self.maxLength) bytes") }
        // Split the UTF-8 view: String.split walks grapheme clusters, a visible cost per certificate.
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("expected 3 dot-separated parts, found \(parts.count)") }
        guard let headerBytes = Base64URL.decode(utf8: parts[0]),
              let payloadBytes = Base64URL.decode(utf8: parts[1]),
              let signatureBytes = Base64URL.decode(utf8: parts[2])
        else { throw .malformed("a part is not unpadded base64url") }
        guard let header = try? JSONValue(parsing: headerBytes), header.objectValue != nil else {
            throw .malformed("header is not a JSON object")
        }
        guard let claims = try? JSONValue(parsing: payloadBytes), claims.objectValue != nil else {
            throw .malformed("payload is not a JSON object")
        }
        self.header = header
        self.claims = claims
        signingInput = Array(parts[0]) + [UInt8(ascii: ".")] + Array(parts[1])
        signature = signatureBytes
    }

    /// The issuer, read before verification only to pick the configuration and keys.
    var unverifiedIssuer: String? { claims["iss"]?.stringValue }
}
