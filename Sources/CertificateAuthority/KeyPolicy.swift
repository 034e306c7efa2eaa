import SigstoreKit
import SwiftASN1
import X509

/// Which requester keys the CA certifies (sigstore-spec.md §A.4): ECDSA P-256/P-384/P-521,
/// RSA 2048/3072/4096, Ed25519. Anything else is refused as insecure, not as unparseable, when the
/// SubjectPublicKeyInfo names a known algorithm, so the message tells the user what to change.
enum KeyPolicy {
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]

    /// The accepted key for `spkiDER`.
    static func check(spkiDER: [UInt8]) throws(IssuanceError) -> VerificationKey {
        do {
            return try VerificationKey(spkiDER: spkiDER)
        } catch KeyError.unsupported(let why) {
            throw .insecureKey(why)
        } catch {
            switch algorithmOID(spkiDER) {
            case ecPublicKey?: throw .insecureKey("unsupported elliptic curve (only P-256, P-384, P-521)")
            case rsaEncryption?: throw .insecureKey("RSA keys must be 2048, 3072 or 4096 bits")
            default: throw .unparseablePublicKey("not an ECDSA, RSA or Ed25519 SubjectPublicKeyInfo")
            }
        }
    }

    /// `SubjectPublicKeyInfo.algorithm.algorithm`, read without interpreting the key.
    static func algorithmOID(_ spkiDER: [UInt8]) -> ASN1ObjectIdentifier? {
        guard let root = try? DER.parse(spkiDER), case .constructed(let fields) = root.content,
              let algorithm = fields.first(where: { _ in true }), case .constructed(let parts) = algorithm.content,
              let oidNode = parts.first(where: { _ in true })
        else { return nil }
        return try? ASN1ObjectIdentifier(derEncoded: oidNode)
    }
}
