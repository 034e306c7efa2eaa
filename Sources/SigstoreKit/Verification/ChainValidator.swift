@_spi(FixedExpiryValidationTime) import X509
import Foundation

/// Validates a leaf certificate against one authority of a trusted root at a fixed time, with
/// swift-certificates' `Verifier`: `RFC5280Policy` pinned to `time` (every certificate of the
/// path must be valid then) plus a leaf profile policy.
enum ChainValidator {
    /// The leaf profiles a chain can be checked against.
    enum Profile {
        case codeSigning, timestamping
    }

    /// Returns nil when the leaf chains to `authority` at `time`, else why not.
    static func failure(leaf: Certificate, authority: TrustedCertificateAuthority, at time: Date, profile: Profile) async -> String? {
        switch await validate(leaf: leaf, authority: authority, at: time, profile: profile) {
        case .success: nil
        case .failure(let reason): reason.message
        }
    }

    /// Why a chain did not validate.
    struct Failure: Error { let message: String }

    /// The validated chain (leaf first, anchor last), or why there is none. The authority's last
    /// certificate is the trust anchor and the others are intermediates, as in sigstore-go.
    static func validate(leaf: Certificate, authority: TrustedCertificateAuthority, at time: Date,
                         profile: Profile) async -> Result<[Certificate], Failure> {
        guard let anchor = authority.certificates.last else { return .failure(Failure(message: "the authority has no certificates")) }
        let intermediates = CertificateStore(authority.certificates.dropLast())
        let roots = CertificateStore([anchor])
        let result: CertificateValidationResult
        switch profile {
        case .codeSigning:
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy(fixedExpiryValidationTime: time)
                CodeSigningLeafPolicy()
            }
            result = await verifier.validate(leaf: leaf, intermediates: intermediates)
        case .timestamping:
            var verifier = Verifier(rootCertificates: roots) {
                RFC5280Policy(fixedExpiryValidationTime: time)
                TimestampingLeafPolicy()
            }
            result = await verifier.validate(leaf: leaf, intermediates: intermediates)
        }
        switch result {
        case .validCertificate(let chain): return .success(Array(chain))
        case .couldNotValidate(let failures):
            return .failure(Failure(message: failures.first.map { "\($0.policyFailureReason)" } ?? "no path to the authority's root"))
        }
    }
}
