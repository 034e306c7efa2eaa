import _CryptoExtras

/// PEM of an RSA public key from its JWK numbers (what an attacker downloads from the JWKS).
enum RSAPublicKeyPEM {
    static func make(n: [UInt8], e: [UInt8]) throws -> String {
        try _RSA.Signing.PublicKey(n: n, e: e).pemRepresentation
    }
}
