import Crypto
import Foundation
import SigstoreKit

/// Signing with a managed key, as cosign does with `--key` (issue 4 §4): the signature and the
/// PEM public key go into a hashedrekord entry, and the bundle names the key only by its hint
/// (`verificationMaterial.publicKey.hint`); verifiers supply the key themselves.
public struct KeySigner: Sendable {
    let key: P256.Signing.PrivateKey
    public let publicKey: VerificationKey
    public let trustedRoot: TrustedRoot
    public let log: LogClient

    /// `privateKeyInfo` is a DER PKCS#8 ECDSA P-256 key (what `EncryptedPrivateKey.decrypt` returns).
    public init(privateKeyInfo: [UInt8], trustedRoot: TrustedRoot, log: LogClient) throws(SigningError) {
        do {
            key = try P256.Signing.PrivateKey(derRepresentation: privateKeyInfo)
            publicKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation)
        } catch {
            throw SigningError(.key, "the private key is not an ECDSA P-256 key")
        }
        self.trustedRoot = trustedRoot
        self.log = log
    }

    /// The hint a key-signed bundle carries: base64 of SHA-256 over the DER SubjectPublicKeyInfo
    /// (the key ID Sigstore uses everywhere else).
    public static func hint(for key: VerificationKey) -> String { StrictBase64.encode(key.keyID) }

    public func sign(_ digest: ArtifactDigest) async throws(SigningError) -> SigningResult {
        let signature: [UInt8]
        do { signature = Array(try key.signature(for: digest.digest).derRepresentation) } catch {
            throw SigningError(.signature, "\(error)")
        }
        let proposed = ProposedEntries.hashedRekord(signature: signature, publicKeyPEM: publicKey.pem, digest: digest.bytes)
        let entry = try await LogSubmission.submit(proposed, to: log, trustedRoot: trustedRoot)
        let bundle = SigstoreBundle(
            verificationMaterial: VerificationMaterial(signer: .publicKey(hint: Self.hint(for: publicKey)), tlogEntries: [entry]),
            content: .messageSignature(digest: (.sha256, digest.bytes), signature: signature))
        try await SelfVerification.verify(bundle, digest: digest, signer: .publicKey(publicKey), trustedRoot: trustedRoot)
        return SigningResult(bundle: bundle, identity: nil, logIndex: entry.logIndex, integratedTime: entry.integratedTime)
    }
}
