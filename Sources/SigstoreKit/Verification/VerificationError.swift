import WireFormat

/// The checks of offline bundle verification, in the order `BundleVerifier` runs them
/// (DESIGN.md §1). Every `VerificationError` names the one that failed.
public enum VerificationStep: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The bundle does not parse, or breaks a structural rule of its version.
    case bundleFormat = "bundle format"
    /// The trusted root is invalid or cannot verify this kind of bundle.
    case trustedRoot = "trusted root"
    /// An RFC 3161 timestamp does not verify, or no verified time source exists.
    case timestamp = "timestamp"
    /// A verified signing time lies outside the signing certificate's validity.
    case signingTime = "signing time"
    /// The signing certificate does not chain to a CA of the trusted root at a verified time.
    case certificateChain = "certificate chain"
    /// No embedded SCT verifies against a CT log of the trusted root.
    case sct = "SCT"
    /// The certificate's SAN, issuer or claims do not match the policy, or the signer kind does.
    case identity = "identity"
    /// The artifact signature (or DSSE signature/subject) does not verify.
    case signature = "artifact signature"
    /// The log entry's body is not the bundle's signature, key and artifact.
    case logEntryBody = "log entry body"
    /// The signed entry timestamp (inclusion promise) does not verify.
    case signedEntryTimestamp = "signed entry timestamp"
    /// The inclusion proof is missing or does not reproduce its root hash.
    case inclusionProof = "inclusion proof"
    /// The checkpoint is missing, unsigned by the log, or commits to another tree.
    case checkpoint = "checkpoint"

    public var description: String { rawValue }
}

/// A failed verification: the step, and what was wrong. Reads as
/// `couldn't verify bundle: <step>: <message>`.
public struct VerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let step: VerificationStep
    public let message: String

    /// `message` may embed text from the bundle: it is stored through `UntrustedText.escaped`,
    /// so no control character reaches a terminal and no message is unbounded.
    public init(_ step: VerificationStep, _ message: String) {
        self.step = step
        self.message = UntrustedText.escaped(message)
    }

    public static func step(_ step: VerificationStep, _ message: String) -> VerificationError {
        VerificationError(step, message)
    }

    public var description: String { "couldn't verify bundle: \(step): \(message)" }
}
