// Offline verification in SigstoreKit
//
// sigstore-go `pkg/verify` split by concern: `BundleVerifier` runs the steps; `SigningTimes`
// (RFC 3161 + SET times), `CertificateVerification` (chain at each time via swift-certificates
// `Verifier` + `CodeSigningLeafPolicy`, SCT), `IdentityVerification` (SAN/issuer/Fulcio OIDs),
// `ArtifactSignatureVerification` (message signature or DSSE + in-toto subject),
// `LogEntryBodyVerification` (hashedrekord 0.0.1/0.0.2, dsse 0.0.1, intoto 0.0.2) and
// `TransparencyLogVerification` (SET, inclusion proof, checkpoint). Policy: `VerificationPolicy`.

import Foundation
import X509

/// Offline Sigstore bundle verification against one trusted root (the deployment's trust) and a
/// `VerificationPolicy` (what this artifact must prove), in the order of DESIGN.md §1:
/// bundle structure → signing times (RFC 3161, SET times) → certificate chain at each time →
/// SCT → identity → artifact signature → for each log entry: body, SET, inclusion proof,
/// checkpoint. Each failure is a `VerificationError` naming its step.
public struct BundleVerifier: Sendable {
    public let trustedRoot: TrustedRoot

    public init(trustedRoot: TrustedRoot) {
        self.trustedRoot = trustedRoot
    }

    public func verify(_ bundle: SigstoreBundle, policy: VerificationPolicy) async throws(VerificationError) -> VerificationResult {
        let entries = try Self.checkStructure(bundle)
        let signer = try Self.signerMaterial(bundle.verificationMaterial.signer, policy: policy)
        let times = try await SigningTimes.establish(bundle, root: trustedRoot, minimum: policy.minimumSigningTimes)
        var identity: (subject: String?, issuer: String?) = (nil, nil)
        if case .certificate(let leaf) = signer {
            let issuer = try await CertificateVerification.verifyChain(bundle.verificationMaterial.signer, root: trustedRoot, times: times)
            try CertificateVerification.verifySCT(leaf: leaf, issuer: issuer, root: trustedRoot)
            if case .certificate(let expected) = policy.signer {
                let matched = try IdentityVerification.verify(leaf, against: expected)
                identity = (matched.subject, matched.issuer)
            }
        }
        try ArtifactSignatureVerification.verify(bundle.content, artifact: policy.artifact, key: try signer.verificationKey())
        for entry in entries {
            try LogEntryBodyVerification.verify(entry, content: bundle.content, signer: signer, artifact: policy.artifact)
            try TransparencyLogVerification.verify(entry, logs: trustedRoot.tlogs, requireCheckpoint: bundle.mediaType != .v0_1,
                                                   signingTimes: times)
        }
        let resultSigner: VerificationResult.Signer = switch signer {
        case .certificate: .certificate(subject: identity.subject, issuer: identity.issuer)
        case .key(let key): .publicKey(key)
        }
        return VerificationResult(
            signer: resultSigner,
            logEntries: entries.map { .init(logIndex: $0.logIndex, integratedTime: $0.inclusionPromise == nil ? nil : $0.integratedTime) },
            signingTimes: times)
    }

    /// Rules the protobuf schema cannot express: at least one log entry, no duplicate
    /// (log, index) pair, and a SET on every entry of a v0.1 bundle.
    private static func checkStructure(_ bundle: SigstoreBundle) throws(VerificationError) -> [BundleLogEntry] {
        let entries = bundle.verificationMaterial.tlogEntries
        guard !entries.isEmpty else { throw .step(.bundleFormat, "the bundle has no transparency log entry") }
        var seen: Set<[UInt8]> = []
        for entry in entries {
            guard seen.insert(entry.logID + withUnsafeBytes(of: entry.logIndex.bigEndian, Array.init)).inserted else {
                throw .step(.bundleFormat, "the bundle lists log entry \(entry.logIndex) twice")
            }
            if bundle.mediaType == .v0_1, entry.inclusionPromise == nil {
                throw .step(.bundleFormat, "a v0.1 bundle needs an inclusion promise on every log entry")
            }
        }
        return entries
    }

    /// Pairs the bundle's signer form with the policy's.
    private static func signerMaterial(_ signer: VerificationMaterial.Signer, policy: VerificationPolicy) throws(VerificationError) -> SignerMaterial {
        switch (signer, policy.signer) {
        case (.publicKey, .publicKey(let key)):
            return .key(key)
        case (.publicKey, _):
            throw .step(.identity, "the bundle is signed by a managed key, but the policy expects a certificate identity")
        case (_, .publicKey):
            throw .step(.identity, "the bundle is signed with a certificate, but the policy expects a managed key")
        default:
            // Both remaining forms carry a leaf (the parser rejects empty chains).
            guard let leaf = signer.leafCertificate else { throw .step(.bundleFormat, "the bundle has no certificate") }
            return .certificate(leaf)
        }
    }
}
