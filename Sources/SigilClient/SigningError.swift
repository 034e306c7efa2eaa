/// The steps of signing (DESIGN.md §1), so every failure says where it happened.
public enum SigningStep: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case artifact = "reading the artifact"
    case trustConfig = "trust configuration"
    case key = "signing key"
    case identityToken = "identity token"
    case certificate = "signing certificate"
    case signature = "signing"
    case upload = "transparency log upload"
    case logEntry = "transparency log entry"
    case bundle = "writing the bundle"

    public var description: String { rawValue }
}

/// A failed signing: the step, and what was wrong. Reads `couldn't sign: <step>: <message>`.
/// Messages never contain tokens, passwords or key bytes.
public struct SigningError: Error, Equatable, Sendable, CustomStringConvertible {
    public let step: SigningStep
    public let message: String

    public init(_ step: SigningStep, _ message: String) {
        self.step = step
        self.message = message
    }

    public var description: String { "couldn't sign: \(step): \(message)" }
}
