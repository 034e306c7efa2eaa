import Crypto
import Foundation
import SigstoreKit
import X509

/// Keyless signing (DESIGN.md §1, sign flow): an ephemeral P-256 key that lives only in this
/// value's memory, a 10-minute certificate for it from the CA, a signature over the artifact's
/// SHA-256 digest (or an in-toto statement's DSSE PAE), and a hashedrekord (or dsse) entry in the log. Every answer is checked before the next
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

    /// Signs `digest` as the identity of `token` (a message signature, logged as hashedrekord).
    public func sign(_ digest: ArtifactDigest, token: IdentityToken, now: Date = Date()) async throws(SigningError) -> SigningResult {
        try await sign(.digest(digest), token: token, now: now)
    }

    /// Signs `payload` as the identity of `token`.
    public func sign(_ payload: SigningPayload, token: IdentityToken, now: Date = Date()) async throws(SigningError) -> SigningResult {
        try await session(token: token, now: now).sign(payload)
    }

    /// An ephemeral key and a certificate for it, checked before anything is signed; the session
    /// signs as many payloads as needed while the certificate is valid.
    public func session(token: IdentityToken, now: Date = Date()) async throws(SigningError) -> SigningSession {
        do { try token.checkNotExpired(now: now) } catch { throw SigningError(.identityToken, "\(error)") }
        let key = P256.Signing.PrivateKey()
        let publicKey: VerificationKey
        do { publicKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation) } catch {
            throw SigningError(.key, "\(error)")
        }
        let chain = try await certificate(for: key, token: token)
        let identity = try await IssuedCertificateCheck.check(chain: chain, publicKey: publicKey, trustedRoot: trustedRoot, now: now)
        let leaf = chain[0]
        let leafPEM: String
        do { leafPEM = try leaf.serializeAsPEM().pemString + "\n" } catch { throw SigningError(.certificate, "\(error)") }
        return SigningSession(key: key, verifierPEM: leafPEM, bundleSigner: .certificate(leaf),
                              selfCheck: .unsafeAnyCertificateIdentity, identity: identity, trustedRoot: trustedRoot, log: log)
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
