import Foundation

/// What a successful verification established.
public struct VerificationResult: Sendable, Equatable {
    /// Who signed.
    public enum Signer: Sendable, Equatable {
        /// A Fulcio certificate: the SAN that matched and its OIDC issuer (nil only under
        /// `unsafeAnyCertificateIdentity`, where nothing was matched).
        case certificate(subject: String?, issuer: String?)
        case publicKey(VerificationKey)
    }

    /// One verified log entry.
    public struct LogEntry: Sendable, Equatable {
        public let logIndex: Int64
        /// Unix seconds from a verified SET; nil for Rekor v2 entries.
        public let integratedTime: Int64?
    }

    public let signer: Signer
    public let logEntries: [LogEntry]
    /// Every verified signing time (SET integrated times and RFC 3161 times).
    public let signingTimes: [Date]
}
