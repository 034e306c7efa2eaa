import Foundation
import X509

/// The verifier's checks of a signing certificate, for a signer to run on a certificate it was
/// just issued, before signing anything with its key: the same chain validation, leaf profile and
/// SCT verification `BundleVerifier` applies later, so the two cannot drift apart. Chains are
/// built from the trusted root's authorities only, as the verifier builds them, never from
/// certificates the CA sent along.
public enum SigningCertificateVerification {
    /// Throws unless `leaf` chains at `time` to a certificate authority of `trustedRoot` (with
    /// the code-signing leaf profile) and carries an SCT from one of its CT logs.
    public static func verify(leaf: Certificate, trustedRoot: TrustedRoot, at time: Date) async throws(VerificationError) {
        let issuer = try await CertificateVerification.verifyChain(.certificate(leaf), root: trustedRoot, times: [time])
        try CertificateVerification.verifySCT(leaf: leaf, issuer: issuer, root: trustedRoot)
    }

    /// The email, URI and Fulcio username SANs, in certificate order, as identity policies see them.
    public static func subjectAlternativeNames(of leaf: Certificate) throws(VerificationError) -> [String] {
        try IdentityVerification.subjectAlternativeNames(leaf)
    }

    /// The OIDC issuer (extension `.1.8`, falling back to the raw `.1.1`), as identity policies see it.
    public static func oidcIssuer(of leaf: Certificate) throws(VerificationError) -> String? {
        try FulcioExtension.oidcIssuer(in: leaf)
    }
}
