import Crypto
import Foundation
import SigstoreKit

/// A key ready to sign, keyless (an ephemeral key and its freshly checked certificate, from
/// `KeylessSigner.session`) or managed (`KeySigner.session`): everything after "have a key" is
/// the same for both and for every payload kind — sign, upload, check the log's proofs, build
/// the bundle, verify it offline. One session can sign several payloads (e.g. every platform
/// image of an index) with one certificate, while that certificate is valid.
public struct SigningSession: Sendable {
    let key: P256.Signing.PrivateKey
    /// PEM of the certificate or public key the log entries carry.
    let verifierPEM: String
    let bundleSigner: VerificationMaterial.Signer
    /// The policy signer the self-verification uses.
    let selfCheck: VerificationPolicy.Signer
    /// The certificate's identity (nil for a managed key).
    public let identity: IssuedCertificateCheck.Identity?
    public let trustedRoot: TrustedRoot
    public let log: LogClient
    /// Set to sign through a Rekor v2 log and a TSA instead of `log` (Rekor v1).
    public var rekorV2: RekorV2Route? = nil

    /// Signs `payload`, logs it, and returns the bundle once it verifies offline.
    public func sign(_ payload: SigningPayload) async throws(SigningError) -> SigningResult {
        if let rekorV2 { return try await signThroughRekorV2(payload, route: rekorV2) }
        let artifact = try payload.artifact
        let (proposed, content) = try payload.signed(with: key, verifierPEM: verifierPEM)
        let entry = try await LogSubmission.submit(proposed, to: log, trustedRoot: trustedRoot)
        let bundle = SigstoreBundle(verificationMaterial: VerificationMaterial(signer: bundleSigner, tlogEntries: [entry]),
                                    content: content)
        try await SelfVerification.verify(bundle, artifact: artifact, signer: selfCheck, trustedRoot: trustedRoot)
        return SigningResult(bundle: bundle, identity: identity, logIndex: entry.logIndex, integratedTime: entry.integratedTime)
    }
}
