import SwiftASN1

/// Which TSA policies (RFC 3161 §2.4.1 `reqPolicy`) the authority issues under: a request naming
/// one outside `accepted` is refused, one naming none gets `defaultPolicy`.
public struct TimestampPolicy: Sendable, Hashable {
    /// Sigstore's timestamp-authority default, `--default-policy-oid` 1.3.6.1.4.1.57264.2.
    public static let sigstoreDefault: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 2]

    public let defaultPolicy: ASN1ObjectIdentifier
    public let accepted: Set<ASN1ObjectIdentifier>

    /// `defaultPolicy` is always accepted.
    public init(defaultPolicy: ASN1ObjectIdentifier = TimestampPolicy.sigstoreDefault, accepted: Set<ASN1ObjectIdentifier> = []) {
        self.defaultPolicy = defaultPolicy
        self.accepted = accepted.union([defaultPolicy])
    }

    /// The policy a token for `request` carries, or the refusal.
    func policy(for request: TimeStampRequest) throws(TimeStampRequestError) -> ASN1ObjectIdentifier {
        guard let asked = request.policy else { return defaultPolicy }
        guard accepted.contains(asked) else { throw .unacceptedPolicy(asked.description) }
        return asked
    }
}
