import SwiftASN1

extension VerificationKey {
    /// The key types a SubjectPublicKeyInfo may hold, in the order they are tried on bytes that name
    /// no algorithm.
    enum Family: CaseIterable {
        case p256, p384, p521, ed25519, rsa

        /// What a DER SubjectPublicKeyInfo's algorithm identifier says about the key it holds.
        enum Naming: Equatable {
            /// One of the families above (RFC 5480 §2.1.1 named curves, RFC 8410 §3, RFC 3279 §2.3.1,
            /// RFC 4055 §1.2 RSASSA-PSS).
            case family(Family)
            /// An algorithm or curve outside them: secp256k1, explicit curve parameters, Ed448...
            /// swift-crypto's EC parsers read the point and ignore the identifier, so these must be
            /// refused here, as Go's `x509.ParsePKIXPublicKey` (cosign, Rekor) refuses them.
            case unsupported
            /// Bytes not shaped like an SPKI, such as a bare PKCS#1 RSAPublicKey: they name nothing.
            case none
        }

        static func naming(_ spki: [UInt8]) -> Naming {
            guard let root = try? DER.parse(spki), case .constructed(let fields) = root.content else { return .none }
            var field = fields.makeIterator()
            guard let algorithm = field.next(), case .constructed(let identifier) = algorithm.content else { return .none }
            var part = identifier.makeIterator()
            guard let oid = part.next().flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }) else { return .none }
            switch oid {
            case .AlgorithmIdentifier.idEcPublicKey:
                switch part.next().flatMap({ try? ASN1ObjectIdentifier(derEncoded: $0) }) {
                case ASN1ObjectIdentifier.NamedCurves.secp256r1: return .family(.p256)
                case ASN1ObjectIdentifier.NamedCurves.secp384r1: return .family(.p384)
                case ASN1ObjectIdentifier.NamedCurves.secp521r1: return .family(.p521)
                default: return .unsupported
                }
            case ed25519Identifier: return .family(.ed25519)
            case .AlgorithmIdentifier.rsaEncryption, .AlgorithmIdentifier.rsaPSS: return .family(.rsa)
            default: return .unsupported
            }
        }

        /// id-Ed25519 (RFC 8410 §3).
        private static let ed25519Identifier: ASN1ObjectIdentifier = [1, 3, 101, 112]
    }
}
