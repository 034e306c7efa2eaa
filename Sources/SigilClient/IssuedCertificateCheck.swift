import Foundation
import SigstoreKit
import X509

/// Checks a freshly issued signing certificate BEFORE the client signs anything with its key
/// (issue 4 §1): it certifies our key, chains now to a CA of the trusted root, and carries an
/// SCT from a CT log of the root. A CA that answers with someone else's certificate, or one the
/// verifier would later reject, fails here instead of producing a useless bundle.
public enum IssuedCertificateCheck {
    /// What the certificate says about the signer, for the user.
    public struct Identity: Sendable, Equatable {
        public let subjectAlternativeNames: [String]
        public let issuer: String?
    }

    public static func check(chain: [Certificate], publicKey: VerificationKey, trustedRoot: TrustedRoot,
                             now: Date = Date()) async throws(SigningError) -> Identity {
        guard let leaf = chain.first else { throw SigningError(.certificate, "the CA answered an empty chain") }
        guard (try? VerificationKey(certificate: leaf)) == publicKey else {
            throw SigningError(.certificate, "the CA certified a different public key than ours")
        }
        guard leaf.notValidBefore <= now.addingTimeInterval(60), now <= leaf.notValidAfter else {
            throw SigningError(.certificate, "the certificate is not valid now (\(leaf.notValidBefore) to \(leaf.notValidAfter))")
        }
        // A CA issues for a few seconds before our clock may reach notBefore; check at the later
        // of the two so clock skew of the leaf alone does not fail signing.
        do {
            try await SigningCertificateVerification.verify(leaf: leaf, trustedRoot: trustedRoot, at: max(now, leaf.notValidBefore))
        } catch {
            throw SigningError(.certificate, "the issued certificate would not verify: \(error.message)")
        }
        return identity(of: leaf)
    }

    /// The SANs and OIDC issuer, read as identity policies read them.
    static func identity(of leaf: Certificate) -> Identity {
        Identity(subjectAlternativeNames: (try? SigningCertificateVerification.subjectAlternativeNames(of: leaf)) ?? [],
                 issuer: (try? SigningCertificateVerification.oidcIssuer(of: leaf)) ?? nil)
    }
}
