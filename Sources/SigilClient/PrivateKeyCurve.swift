import SwiftASN1

/// Which curve a DER EC private key names. swift-crypto's `P256.Signing.PrivateKey(derRepresentation:)`
/// reads the secret scalar without checking it, so a secp256k1 or brainpoolP256r1 key (the same
/// size) "loads" as a different P-256 key, and the public key logged would not be the user's.
enum PrivateKeyCurve {
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]

    /// The named curve of a PKCS#8 `PrivateKeyInfo` for an EC key (RFC 5208, RFC 5480), or of a
    /// SEC 1 `ECPrivateKey` carrying its `[0] parameters` (RFC 5915); nil when it names none.
    static func namedCurve(_ der: [UInt8]) -> ASN1ObjectIdentifier? {
        guard let root = try? DER.parse(der), case .constructed(let members) = root.content else { return nil }
        let fields = Array(members)
        guard fields.count >= 3 else { return nil }
        // PKCS#8: version, AlgorithmIdentifier { id-ecPublicKey, namedCurve }, privateKey.
        if case .constructed(let algorithm) = fields[1].content {
            let parts = Array(algorithm)
            guard parts.count == 2, (try? ASN1ObjectIdentifier(derEncoded: parts[0])) == ecPublicKey else { return nil }
            return try? ASN1ObjectIdentifier(derEncoded: parts[1])
        }
        // SEC 1: version, privateKey, [0] parameters (the named curve), [1] publicKey.
        for field in fields.dropFirst(2) where field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            guard case .constructed(let inner) = field.content, let curve = Array(inner).first else { return nil }
            return try? ASN1ObjectIdentifier(derEncoded: curve)
        }
        return nil
    }
}
