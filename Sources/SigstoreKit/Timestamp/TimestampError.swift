import WireFormat

/// Why an RFC 3161 timestamp was rejected; `message` reads as the end of "couldn't verify
/// timestamp: …".
public struct TimestampError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Stored through `UntrustedText.escaped`: the message may embed text from the timestamp.
    public init(_ message: String) { self.message = UntrustedText.escaped(message) }
    public var description: String { message }
}
