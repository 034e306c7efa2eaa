import Metrics
import Synchronization

/// What the CA reports through swift-metrics: certificates issued, tokens rejected by reason
/// (`expired`, `wrong_audience`, ...) and other refusals by reason. Reasons are a closed set of
/// case names, never token contents, so the label space stays small and secret-free.
///
/// Made where the CA is built and handed to ``CertificateIssuer``, not a global, so tests and a
/// second CA in one process each count their own. The counters come from the swift-metrics backend
/// bootstrapped when this is created, so create it after bootstrapping.
public final class IssuanceMetrics: Sendable {
    let issued = Counter(label: "sigil_ca_certificates_issued_total")
    private let counters = Mutex<[String: Counter]>([:])

    public init() {}

    func record(_ error: IssuanceError) {
        if case .token(let tokenError) = error {
            counter("sigil_ca_token_rejections_total", reason: tokenError.metricReason).increment()
        } else {
            counter("sigil_ca_requests_refused_total", reason: error.metricReason).increment()
        }
    }

    private func counter(_ label: String, reason: String) -> Counter {
        counters.withLock { cache in
            let key = label + "/" + reason
            if let counter = cache[key] { return counter }
            let counter = Counter(label: label, dimensions: [("reason", reason)])
            cache[key] = counter
            return counter
        }
    }
}

extension TokenError {
    /// The rejection's kind, as a metric label.
    var metricReason: String {
        switch self {
        case .missing: "missing"
        case .malformed: "malformed"
        case .algorithmNotAllowed: "algorithm_not_allowed"
        case .unknownIssuer: "unknown_issuer"
        case .discoveryFailed: "discovery_failed"
        case .discoveryBusy: "discovery_busy"
        case .unknownKeyID: "unknown_key_id"
        case .keyAlgorithmMismatch: "key_algorithm_mismatch"
        case .badSignature: "bad_signature"
        case .wrongAudience: "wrong_audience"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .issuedInFuture: "issued_in_future"
        case .missingClaim: "missing_claim"
        case .invalidClaim: "invalid_claim"
        case .emailNotVerified: "email_not_verified"
        }
    }
}

extension IssuanceError {
    /// The refusal's kind, as a metric label.
    var metricReason: String {
        switch self {
        case .token(let error): error.metricReason
        case .malformedRequest: "malformed_request"
        case .requestTooLarge: "request_too_large"
        case .unparseablePublicKey: "unparseable_public_key"
        case .insecureKey: "insecure_key"
        case .malformedCSR: "malformed_csr"
        case .missingProofOfPossession: "missing_proof_of_possession"
        case .invalidProofOfPossession: "invalid_proof_of_possession"
        case .transparencyLogFailed: "ct_log_failed"
        case .signingFailed: "signing_failed"
        }
    }
}
