import WireFormat

/// Why bytes are not an acceptable DSSE envelope.
public struct DSSEError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Stored through `UntrustedText.escaped`: the message may embed text from the envelope.
    public init(_ message: String) { self.message = UntrustedText.escaped(message) }
    public var description: String { message }
}
