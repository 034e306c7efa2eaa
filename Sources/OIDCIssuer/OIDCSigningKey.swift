import Crypto
import _CryptoExtras
import Foundation
import WireFormat

/// One private key the development issuer signs ID tokens with: RS256 (RSA PKCS#1 v1.5 with
/// SHA-256) or ES256 (ECDSA P-256 with SHA-256), the two algorithms its discovery document
/// advertises. The key ID is the RFC 7638 JWK thumbprint, so it is the same after every restart.
public struct OIDCSigningKey: Sendable {
    /// The JWS `alg` values this issuer signs with.
    public enum Algorithm: String, Sendable, CaseIterable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let backing: Backing
    /// The JWS `alg` this key signs with.
    public let algorithm: Algorithm
    /// The JWS `kid` header value and JWK `kid` member.
    public let keyID: String
    /// The public JWK (RFC 7517) published in the JWKS.
    public let publicJWK: JSONValue

    /// Wraps an RSA key. Keys under 2048 bits are refused: Sigstore CAs would reject their tokens anyway.
    public init(rsa key: _RSA.Signing.PrivateKey) throws {
        guard key.keySizeInBits >= 2048 else { throw OIDCIssuerError.weakKey(bits: key.keySizeInBits) }
        let primitives = try key.publicKey.getKeyPrimitives()
        let members: [String: JSONValue] = [
            "kty": "RSA",
            "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
        self.init(backing: .rsa(key), algorithm: .rs256, thumbprintMembers: members)
    }

    /// Wraps a P-256 key.
    public init(p256 key: P256.Signing.PrivateKey) {
        // x963 is 0x04 ‖ x ‖ y, each coordinate 32 bytes (RFC 7518 §6.2.1.2 wants them unpadded-length exact).
        let point = Array(key.publicKey.x963Representation)
        let members: [String: JSONValue] = [
            "kty": "EC",
            "crv": "P-256",
            "x": .string(Base64URL.encode(point[1..<33])),
            "y": .string(Base64URL.encode(point[33..<65])),
        ]
        self.init(backing: .p256(key), algorithm: .es256, thumbprintMembers: members)
    }

    /// Reads a PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY` PEM.
    public init(pem: String) throws {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(p256: key)
        } else if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            try self.init(rsa: key)
        } else {
            throw OIDCIssuerError.unreadableKey
        }
    }

    /// A fresh RS256 key (2048-bit RSA), for `sigil-server init` and tests.
    public static func generateRS256() throws -> OIDCSigningKey {
        try OIDCSigningKey(rsa: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// A fresh ES256 key.
    public static func generateES256() -> OIDCSigningKey {
        OIDCSigningKey(p256: P256.Signing.PrivateKey())
    }

    private init(backing: Backing, algorithm: Algorithm, thumbprintMembers: [String: JSONValue]) {
        self.backing = backing
        self.algorithm = algorithm
        // RFC 7638 §3: SHA-256 over the required members, sorted, without whitespace — which is
        // exactly RFC 8785 output for these ASCII-only objects.
        let thumbprint = SHA256.hash(data: CanonicalJSON.encode(.object(thumbprintMembers)))
        keyID = Base64URL.encode(Array(thumbprint))
        var jwk = thumbprintMembers
        jwk["kid"] = .string(keyID)
        jwk["alg"] = .string(algorithm.rawValue)
        jwk["use"] = "sig"
        publicJWK = .object(jwk)
    }

    /// PKCS#8 PEM of the private key. Secret: write it only to a 0600 file, never print it.
    public var pemRepresentation: String {
        switch backing {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .p256(let key): key.pemRepresentation
        }
    }

    /// The JWS signature over `signingInput` (RFC 7518 §3.3, §3.4: ES256 is raw r ‖ s, not DER).
    func sign(_ signingInput: [UInt8]) throws -> [UInt8] {
        switch backing {
        case .rsa(let key):
            Array(try key.signature(for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .p256(let key):
            Array(try key.signature(for: signingInput).rawRepresentation)
        }
    }
}
