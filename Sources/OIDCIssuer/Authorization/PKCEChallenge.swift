import Crypto
import WireFormat

/// An RFC 7636 code challenge with method `S256`: `BASE64URL(SHA-256(ASCII(code_verifier)))`,
/// always 43 characters. `plain` is refused: it would let anyone who sees the authorization
/// request redeem the code.
public struct PKCEChallenge: Sendable, Equatable {
    /// The challenge as the client sent it (43 base64url characters).
    public let value: String

    /// Validates `challenge` and `method` from an authorization request (RFC 7636 §4.3).
    public init(challenge: String?, method: String?) throws(AuthorizationError) {
        guard let challenge else { throw .missingParameter("code_challenge") }
        guard let method, method.isExactly("S256") else {
            throw .invalidParameter(name: "code_challenge_method", reason: "only S256 is supported")
        }
        guard challenge.utf8.count == 43, challenge.utf8.allSatisfy(Self.isBase64URLByte) else {
            throw .invalidParameter(name: "code_challenge", reason: "an S256 challenge is 43 base64url characters")
        }
        value = challenge
    }

    /// Whether `verifier` (RFC 7636 §4.1: 43–128 unreserved characters) hashes to this challenge.
    /// Compared as bytes in constant time.
    public func isSatisfied(by verifier: String) -> Bool {
        let bytes = Array(verifier.utf8)
        guard (43...128).contains(bytes.count),
              bytes.allSatisfy({ $0.isASCIIAlphanumeric || Array("-._~".utf8).contains($0) }) else { return false }
        let computed = Array(Base64URL.encode(Array(SHA256.hash(data: bytes))).utf8)
        let expected = Array(value.utf8)
        guard computed.count == expected.count else { return false }
        return zip(computed, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func isBase64URLByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
