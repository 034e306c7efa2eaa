import SwiftASN1
import X509

/// The signer a verified bundle names: its leaf certificate, or the managed key the policy gave.
enum SignerMaterial {
    case certificate(Certificate)
    case key(VerificationKey)

    /// The public key that verifies artifact signatures.
    func verificationKey() throws(VerificationError) -> VerificationKey {
        switch self {
        case .key(let key): return key
        case .certificate(let leaf):
            do { return try VerificationKey(certificate: leaf) } catch {
                throw .step(.signature, "the signing certificate's key is not supported: \(error)")
            }
        }
    }

    /// Whether PEM key material from a Rekor v1 body is this signer.
    func matches(_ material: PublicKeyMaterial) -> Bool {
        switch self {
        case .certificate(let leaf): material.leafCertificate == leaf
        case .key(let key): material.certificates.isEmpty && material.key == key
        }
    }

    /// Whether DER bytes from a Rekor v2 verifier are this signer (a certificate, or an SPKI).
    func matches(certificateDER: [UInt8]?, publicKeyDER: [UInt8]?) -> Bool {
        switch self {
        case .certificate(let leaf):
            guard let der = certificateDER, let other = try? Certificate(derEncoded: der) else { return false }
            return other == leaf
        case .key(let key):
            guard let der = publicKeyDER, let other = try? VerificationKey(spkiDER: der) else { return false }
            return other == key
        }
    }
}
