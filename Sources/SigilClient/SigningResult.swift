import Foundation
import SigstoreKit

/// A finished signature: the bundle (already verified offline against the trusted root) and what
/// to tell the user about it.
public struct SigningResult: Sendable {
    public let bundle: SigstoreBundle
    /// The certificate's identity (SAN and issuer) for keyless signing; nil for a managed key.
    public let identity: IssuedCertificateCheck.Identity?
    public let logIndex: Int64
    public let integratedTime: Int64
    /// The TSA's `genTime` (Rekor v2 signing, whose entries carry no integrated time).
    public var timestamp: Date? = nil
    /// What the signer should know although signing succeeded (a log that took a lesser form of
    /// the entry), one sentence each; commands print them to standard error.
    public var notices: [String] = []
}

/// The last gate before a bundle may be written: it must pass the same offline verification any
/// verifier will run, so Sigil never hands out a bundle it would itself reject.
enum SelfVerification {
    static func verify(_ bundle: SigstoreBundle, artifact: VerificationPolicy.Artifact, signer: VerificationPolicy.Signer,
                       trustedRoot: TrustedRoot) async throws(SigningError) {
        do {
            let policy = try VerificationPolicy(artifact: artifact, signer: signer)
            _ = try await BundleVerifier(trustedRoot: trustedRoot).verify(bundle, policy: policy)
        } catch {
            throw SigningError(.logEntry, "the new bundle does not verify against the trusted root: \(error)")
        }
    }
}
