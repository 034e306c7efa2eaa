import Crypto
import Foundation
import SigstoreKit
import X509

/// Keyless signing (DESIGN.md §1, sign flow): an ephemeral P-256 key that lives only in this
/// value's memory, a 10-minute certificate for it from the CA, a signature over the artifact's
/// SHA-256 digest, and a hashedrekord entry in the log. Every answer is checked before the next
/// step uses it, and the bundle is returned only after it verifies offline.
public struct KeylessSigner: Sendable {
    public let trustedRoot: TrustedRoot
    public let fulcio: FulcioClient
    public let log: LogClient

    public init(trustedRoot: TrustedRoot, fulcio: FulcioClient, log: LogClient) {
        self.trustedRoot = trustedRoot
        self.fulcio = fulcio
        self.log = log
    }

    /// Signs `digest` as the identity of `token`.
    public func sign(_ digest: ArtifactDigest, token: IdentityToken, now: Date = Date()) async throws(SigningError) -> SigningResult {
        do { try token.checkNotExpired(now: now) } catch { throw SigningError(.identityToken, "\(error)") }
        let key = P256.Signing.PrivateKey()
        let publicKey: VerificationKey
        do { publicKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation) } catch {
            throw SigningError(.key, "\(error)")
        }
        let chain = try await certificate(for: key, token: token)
        let identity = try await IssuedCertificateCheck.check(chain: chain, publicKey: publicKey, trustedRoot: trustedRoot, now: now)
        let leaf = chain[0]

        let signature: [UInt8]
        let leafPEM: String
        do {
            signature = Array(try key.signature(for: digest.digest).derRepresentation)
            leafPEM = try leaf.serializeAsPEM().pemString + "\n"
        } catch {
            throw SigningError(.signature, "\(error)")
        }
        let proposed = ProposedEntries.hashedRekord(signature: signature, publicKeyPEM: leafPEM, digest: digest.bytes)
        let entry = try await LogSubmission.submit(proposed, to: log, trustedRoot: trustedRoot)

        let bundle = SigstoreBundle(
            verificationMaterial: VerificationMaterial(signer: .certificate(leaf), tlogEntries: [entry]),
            content: .messageSignature(digest: (.sha256, digest.bytes), signature: signature))
        try await SelfVerification.verify(bundle, digest: digest, signer: .unsafeAnyCertificateIdentity, trustedRoot: trustedRoot)
        return SigningResult(bundle: bundle, identity: identity, logIndex: entry.logIndex, integratedTime: entry.integratedTime)
    }

    /// Requests the certificate with a CSR (the form sigstore-python uses; its self-signature is
    /// the proof of possession, so no challenge claim has to be guessed from the token).
    private func certificate(for key: P256.Signing.PrivateKey, token: IdentityToken) async throws(SigningError) -> [Certificate] {
        let csrPEM: String
        do {
            let csr = try CertificateSigningRequest(version: .v1, subject: DistinguishedName(), privateKey: .init(key),
                                                    attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
            csrPEM = try csr.serializeAsPEM().pemString + "\n"
        } catch {
            throw SigningError(.certificate, "could not build the certificate signing request: \(error)")
        }
        do {
            return try await fulcio.signingCertificate(token: token, proof: .certificateSigningRequest(pem: csrPEM))
        } catch {
            throw SigningError(.certificate, "\(error)")
        }
    }
}
