import SwiftASN1

extension VerificationKey {
    /// The key types a SubjectPublicKeyInfo may hold, in the order they are tried when its algorithm
    /// identifier names none of them.
    enum Family: CaseIterable {
        case p256, p384, p521, ed25519, rsa

        /// The family the algorithm identifier of a DER SubjectPublicKeyInfo names (RFC 5480 §2.1.1,
        /// RFC 8410 §3, RFC 3279 §2.3.1); nil when the bytes do not start like one or name another.
        init?(namedBy spki: [UInt8]) {
            guard let root = try? DER.parse(spki), case .constructed(let fields) = root.content,
                  let algorithm = fields.first(where: { _ in true }), case .constructed(let identifier) = algorithm.content
            else { return nil }
            var parts = identifier.makeIterator()
            guard let oid = parts.next().flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }) else { return nil }
            switch oid {
            case .AlgorithmIdentifier.idEcPublicKey:
                switch parts.next().flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }) {
                case ASN1ObjectIdentifier.NamedCurves.secp256r1: self = .p256
                case ASN1ObjectIdentifier.NamedCurves.secp384r1: self = .p384
                case ASN1ObjectIdentifier.NamedCurves.secp521r1: self = .p521
                default: return nil
                }
            case Self.ed25519Identifier: self = .ed25519
            case .AlgorithmIdentifier.rsaEncryption: self = .rsa
            default: return nil
            }
        }

        /// id-Ed25519 (RFC 8410 §3).
        private static let ed25519Identifier: ASN1ObjectIdentifier = [1, 3, 101, 112]
    }
}
