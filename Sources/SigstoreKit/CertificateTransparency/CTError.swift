import WireFormat

/// Why an SCT, an SCT list or a precertificate could not be decoded, built or verified.
/// `message` reads as the end of "couldn't verify SCT: …".
public struct CTError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Stored through `UntrustedText.escaped`: the message may embed text from the certificate.
    public init(_ message: String) { self.message = UntrustedText.escaped(message) }
    public var description: String { message }
}
