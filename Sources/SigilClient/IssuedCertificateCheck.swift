import Foundation
import SigstoreKit
import SwiftASN1
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
        let issuer = try await validateChain(leaf: leaf, intermediates: Array(chain.dropFirst()), root: trustedRoot, now: now)
        if !trustedRoot.ctlogs.isEmpty {
            do {
                try EmbeddedSCTVerifier.verify(certificate: leaf, issuer: issuer, logs: trustedRoot.ctlogs)
            } catch {
                throw SigningError(.certificate, "the certificate's SCT does not verify against the trusted CT logs: \(error.message)")
            }
        }
        return identity(of: leaf)
    }

    /// Validates against each CA of the root in turn; returns the leaf's issuer.
    private static func validateChain(leaf: Certificate, intermediates: [Certificate], root: TrustedRoot,
                                      now: Date) async throws(SigningError) -> Certificate {
        var reasons: [String] = []
        for authority in root.certificateAuthorities where authority.isValid(at: now) {
            guard let anchor = authority.certificates.last else { continue }
            // A CA issues for a few seconds before our clock may reach notBefore; validate at
            // the later of the two so clock skew of the leaf alone does not fail signing.
            let time = max(now, leaf.notValidBefore)
            var verifier = Verifier(rootCertificates: CertificateStore([anchor])) {
                RFC5280Policy(validationTime: time)
                IssuedLeafPolicy()
            }
            let store = CertificateStore(authority.certificates.dropLast() + intermediates)
            switch await verifier.validate(leaf: leaf, intermediates: store) {
            case .validCertificate(let path):
                guard path.count >= 2 else { continue }
                return path[1]
            case .couldNotValidate(let failures):
                // No failures at all means no candidate path: nothing in this CA issued the leaf.
                reasons.append(failures.isEmpty ? "no path from the leaf to the CA's anchor"
                                                : failures.map { "\($0.policyFailureReason)" }.joined(separator: "; "))
            }
        }
        let why = reasons.isEmpty ? "the trusted root has no certificate authority valid now" : reasons.joined(separator: " | ")
        throw SigningError(.certificate, "the certificate does not chain to the trusted root: \(why)")
    }

    static func identity(of leaf: Certificate) -> Identity {
        let sans = ((try? leaf.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in
                switch name {
                case .rfc822Name(let email): email
                case .uniformResourceIdentifier(let uri): uri
                default: nil
                }
            }
        } ?? []
        // `.1.8` is a DER UTF8String; the older `.1.1` holds raw UTF-8.
        let v2: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 8]
        let v1: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 1]
        var issuer = leaf.extensions[oid: v2].flatMap { try? ASN1UTF8String(derEncoded: Array($0.value)) }.map(String.init)
        if issuer == nil { issuer = leaf.extensions[oid: v1].flatMap { String(validating: $0.value, as: UTF8.self) } }
        return Identity(subjectAlternativeNames: sans, issuer: issuer)
    }
}

/// The Fulcio leaf profile a verifier will insist on (sigstore-spec A.8): KeyUsage
/// digitalSignature and EKU codeSigning. The SAN is critical in a Fulcio leaf (its subject is
/// empty), so this policy declares it handled; `RFC5280Policy` alone would refuse it.
struct IssuedLeafPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let usage = try? chain.leaf.extensions.keyUsage, usage.digitalSignature else {
            return .failsToMeetPolicy(reason: "the signing certificate lacks KeyUsage digitalSignature")
        }
        guard let eku = try? chain.leaf.extensions.extendedKeyUsage, eku.contains(.codeSigning) else {
            return .failsToMeetPolicy(reason: "the signing certificate lacks ExtendedKeyUsage codeSigning")
        }
        return .meetsPolicy
    }
}
