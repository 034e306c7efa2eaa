import WireFormat

/// Why a proposed or stored Rekor entry was rejected. Every case is a client error (HTTP 400 in
/// Rekor v1); `message` names the field and the problem, e.g. `spec.signature.content is not valid
/// base64` or `unsupported apiVersion "0.0.2" for hashedrekord`.
public struct EntryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, for callers that branch on it.
    public enum Code: Sendable, Equatable {
        /// Not valid JSON, a missing, extra or mistyped field, a bad encoding or key.
        case malformed
        /// An entry `kind` or `apiVersion` this log does not accept.
        case unsupportedType
        /// A well-formed signature that does not verify.
        case invalidSignature
        /// A key or key/hash combination outside Rekor's default algorithm registry.
        case algorithmNotAllowed
    }

    public let code: Code
    public let message: String

    /// `message` may embed text from the entry: it is stored through `UntrustedText.escaped`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = UntrustedText.escaped(message)
    }

    public var description: String { message }

    static func malformed(_ message: String) -> EntryError { EntryError(.malformed, message) }
}
