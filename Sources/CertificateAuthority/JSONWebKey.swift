import Crypto
import _CryptoExtras
import Foundation
import SigstoreKit
import WireFormat

/// A public key from an issuer's JWKS (RFC 7517/7518), restricted to what the CA accepts:
/// RSA (RS256), EC P-256 (ES256) and OKP Ed25519 (EdDSA). Each key verifies only its own `alg`,
/// which is what defeats algorithm confusion (e.g. HS256 keyed with an RSA public key).
struct JSONWebKey: Sendable {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    let keyID: String?
    let backing: Backing

    /// The JWS `alg` this key verifies.
    var algorithm: String {
        switch backing {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .ed25519: "EdDSA"
        }
    }

    /// Parses one JWK; nil for keys the CA cannot use (other curves, encryption keys, RSA < 2048).
    init?(_ jwk: JSONValue) {
        guard let kty = jwk["kty"]?.stringValue else { return nil }
        // Every field is compared as bytes (`isExactly`, `ExactString` patterns): the JWKS is the issuer's text.
        if let use = jwk["use"]?.stringValue, !use.isExactly("sig") { return nil }
        keyID = jwk["kid"]?.stringValue
        switch ExactString(kty) {
        case "RSA":
            guard let n = jwk["n"]?.stringValue.flatMap(Base64URL.decode),
                  let e = jwk["e"]?.stringValue.flatMap(Base64URL.decode),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048
            else { return nil }
            backing = .rsa(key)
        case "EC":
            guard jwk["crv"]?.stringValue?.isExactly("P-256") == true,
                  let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode), x.count == 32,
                  let y = jwk["y"]?.stringValue.flatMap(Base64URL.decode), y.count == 32,
                  let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
            else { return nil }
            backing = .p256(key)
        case "OKP":
            guard jwk["crv"]?.stringValue?.isExactly("Ed25519") == true,
                  let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else { return nil }
            backing = .ed25519(key)
        default:
            return nil
        }
        if let alg = jwk["alg"]?.stringValue, !alg.isExactly(algorithm) { return nil }
    }

    /// Verifies a JWS signature (RFC 7518 §3.3 RS256, §3.4 ES256 as raw r ‖ s, RFC 8037 EdDSA).
    func isValidSignature(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        switch backing {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature),
                                        for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
        case .p256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: signingInput)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: signingInput)
        }
    }
}

/// The usable keys of one issuer's JWKS.
public struct JSONWebKeySet: Sendable {
    let keys: [JSONWebKey]

    /// Parses a JWKS document, skipping keys the CA cannot use.
    public init(json bytes: [UInt8]) throws(TokenError) {
        guard let doc = try? JSONValue(parsing: bytes), let keys = doc["keys"]?.arrayValue else {
            throw .malformed("JWKS is not a JSON object with a keys array")
        }
        self.keys = keys.compactMap(JSONWebKey.init)
    }

    /// Keys that may have signed a token whose header names `kid` (all keys when it names none).
    /// Key IDs match byte for byte, never by Unicode canonical equivalence.
    func candidates(kid: String?) -> [JSONWebKey] {
        guard let kid else { return keys }
        return keys.filter { $0.keyID?.isExactly(kid) == true }
    }
}
