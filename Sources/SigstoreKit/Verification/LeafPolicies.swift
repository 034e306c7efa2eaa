import SwiftASN1
import X509

/// The Fulcio leaf profile (sigstore-spec A.8): KeyUsage digitalSignature and EKU codeSigning.
/// It also claims the SAN as a handled critical extension, because a Fulcio leaf has an empty
/// subject and so a critical SAN (RFC 5280 §4.2.1.6), which `RFC5280Policy` alone rejects;
/// the identity policy checks the SAN's value later.
struct CodeSigningLeafPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        let leaf = chain.leaf
        guard let usage = try? leaf.extensions.keyUsage, usage.digitalSignature else {
            return .failsToMeetPolicy(reason: "signing certificate lacks KeyUsage digitalSignature")
        }
        guard let eku = try? leaf.extensions.extendedKeyUsage, eku.contains(.codeSigning) else {
            return .failsToMeetPolicy(reason: "signing certificate lacks ExtendedKeyUsage codeSigning")
        }
        return .meetsPolicy
    }
}

/// RFC 3161 §2.3: the TSA's signing certificate carries exactly the timeStamping EKU, critical.
struct TimestampingLeafPolicy: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]

    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let ext = chain.leaf.extensions[oid: .X509ExtensionID.extendedKeyUsage], ext.critical else {
            return .failsToMeetPolicy(reason: "TSA certificate lacks a critical ExtendedKeyUsage")
        }
        guard let eku = try? ExtendedKeyUsage(ext), eku.contains(.timeStamping) else {
            return .failsToMeetPolicy(reason: "TSA certificate's ExtendedKeyUsage is not timeStamping")
        }
        return .meetsPolicy
    }
}
