import Foundation
import TestSupport
import Testing
@testable import SigstoreKit

/// Files under `<package root>/fixtures` (see its README.md), read through ``Fixtures``.
enum RepositoryFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] {
        try Fixtures.bytes(relative)
    }

    /// The conformance case `rekor2-checkpoint-cosigned`: a valid bundle with a Rekor v2 entry,
    /// its trusted root, and the policy it verifies under.
    enum RekorV2 {
        static let directory = "conformance/assets/bundle-verify/rekor2-checkpoint-cosigned/"
        static let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
        static let issuer = "https://token.actions.githubusercontent.com"

        static func bundle() throws -> SigstoreBundle { try SigstoreBundle(parsing: bytes(directory + "bundle.sigstore.json")) }
        static func trustedRoot() throws -> TrustedRoot { try TrustedRoot(parsing: bytes(directory + "trusted_root.json")) }
        static func policy() throws -> VerificationPolicy {
            try VerificationPolicy(artifact: .bytes(try bytes("conformance/assets/bundle-verify/a.txt")),
                                   signer: .certificate(try CertificateIdentity(subject: .exact(identity), issuer: .exact(issuer))))
        }
        static func verify(_ bundle: SigstoreBundle) async throws -> VerificationResult {
            try await BundleVerifier(trustedRoot: try trustedRoot()).verify(bundle, policy: try policy())
        }
    }
}
