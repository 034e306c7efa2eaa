import SigstoreKit
import WireFormat

// Why JWS is written here rather than taken from JWTKit (which the package still uses, in tests
// only, as an independent check of the OIDC issuer's tokens):
// - The claims are read by WireFormat's strict JSON parser, which refuses a token naming `iss`,
//   `sub` or `email` twice or through a look-alike member name; Codable decoding keeps one of the
//   copies silently, and the CA would certify an identity the issuer may not have meant.
// - Identities and key IDs are compared as bytes (`isExactly`, `ExactString`), never with
//   `String ==`, which JWTKit's claim types use.
// - The CA fetches and caches each issuer's JWKS itself (bounded, honouring Cache-Control) and
//   allows exactly RS256, ES256 and EdDSA, each key verifying only its own `alg`.
// What remains is small: split on dots, strict base64url (``Base64URL``), one signature check.

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
