import Foundation
import WireFormat
import X509

/// Checks the signing certificate (sigstore-go `certificate.go` + `sct.go`): valid at every
/// verified signing time, chaining at each of those times to a CA of the trusted root whose
/// `validFor` covers it, and carrying an SCT from a CT log of the root.
enum CertificateVerification {
    /// Returns the leaf's issuer (from the first validated chain), which SCT verification needs.
    static func verifyChain(_ signer: VerificationMaterial.Signer, root: TrustedRoot, times: [Date]) async throws(VerificationError) -> Certificate {
        guard let leaf = signer.leafCertificate else { throw .step(.certificateChain, "the bundle has no certificate") }
        if case .certificateChain(let chain) = signer, chain.dropFirst().contains(where: { $0.subject == $0.issuer }) {
            throw .step(.certificateChain, "the bundle's certificate chain includes a self-signed root; trust anchors come only from the trusted root")
        }
        var issuer: Certificate?
        for time in times {
            guard leaf.notValidBefore <= time, time <= leaf.notValidAfter else {
                // Tell "signed outside the certificate's lifetime" apart from "the certificate was
                // never valid under this root" (e.g. issued after its CA expired).
                _ = try await chain(leaf, root: root, at: leaf.notValidBefore, what: "when it was issued")
                throw .step(.signingTime, "signing time \(RFC3339.format(time)) is outside the certificate's validity "
                    + "\(RFC3339.format(leaf.notValidBefore))…\(RFC3339.format(leaf.notValidAfter))")
            }
            let validated = try await chain(leaf, root: root, at: time, what: "at \(RFC3339.format(time))")
            issuer = issuer ?? validated[1]
        }
        guard let issuer else { throw .step(.timestamp, "no verified signing time") }
        return issuer
    }

    /// The first chain from `leaf` to a CA of the root that is valid (in the root and by X.509) at `time`.
    private static func chain(_ leaf: Certificate, root: TrustedRoot, at time: Date, what: String) async throws(VerificationError) -> [Certificate] {
        var reasons: [String] = []
        for authority in root.certificateAuthorities where authority.isValid(at: time) {
            switch await ChainValidator.validate(leaf: leaf, authority: authority, at: time, profile: .codeSigning) {
            case .success(let chain) where chain.count >= 2: return chain
            case .success: reasons.append("the leaf itself is a trust anchor")
            case .failure(let failure): reasons.append(failure.message)
            }
        }
        let why = reasons.isEmpty ? "no certificate authority of the trusted root is valid then" : reasons.joined(separator: "; ")
        throw .step(.certificateChain, "the certificate does not chain to the trusted root \(what): \(why)")
    }

    /// At least one embedded SCT must verify, unless the trusted root lists no CT logs at all
    /// (a deployment without certificate transparency).
    static func verifySCT(leaf: Certificate, issuer: Certificate, root: TrustedRoot) throws(VerificationError) {
        guard !root.ctlogs.isEmpty else { return }
        do {
            try EmbeddedSCTVerifier.verify(certificate: leaf, issuer: issuer, logs: root.ctlogs)
        } catch {
            throw .step(.sct, error.message)
        }
    }
}
