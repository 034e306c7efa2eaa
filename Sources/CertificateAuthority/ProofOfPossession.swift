import SigstoreKit
import SwiftASN1
import X509

/// Establishes the requester's key (sigstore-spec.md §A.3): either a signature over the UTF-8
/// challenge claim with the key's default algorithm (ECDSA P-256/384/521 with SHA-256/384/512,
/// RSA PKCS#1 v1.5 SHA-256, pure Ed25519), or a CSR whose self-signature verifies.
enum ProofOfPossession {
    /// The key to certify, after the key policy and the proof both pass.
    static func verify(_ proof: SigningCertificateRequest.KeyProof, challenge: String, claimName: String)
        throws(IssuanceError) -> Certificate.PublicKey
    {
        switch proof {
        case .publicKey(let spki, let signature):
            let key = try KeyPolicy.check(spkiDER: spki)
            guard key.isValidSignature(signature, for: Array(challenge.utf8)) else {
                throw .invalidProofOfPossession("proofOfPossession is not this key's signature over the token's \(claimName) claim")
            }
            return try certificateKey(spki)
        case .csr(let csr):
            let spki: [UInt8]
            do { spki = try CAKeyMaterial.spki(csr.publicKey) } catch { throw .malformedCSR("public key does not encode") }
            _ = try KeyPolicy.check(spkiDER: spki)
            guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
                throw .invalidProofOfPossession("the CSR's self-signature does not verify")
            }
            return csr.publicKey
        }
    }

    private static func certificateKey(_ spki: [UInt8]) throws(IssuanceError) -> Certificate.PublicKey {
        do {
            return try Certificate.PublicKey(derEncoded: spki)
        } catch {
            throw .unparseablePublicKey("\(error)")
        }
    }
}
