import WireFormat

/// Why a trusted root, signing config or client trust config was rejected. `message` names the
/// field, e.g. `tlogs[1].publicKey.validFor.start is missing` or `unknown field "tlogs[0].extra"`.
public struct TrustedRootError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Stored through `UntrustedText.escaped`: the message may embed text from the file.
    public init(_ message: String) { self.message = UntrustedText.escaped(message) }
    public var description: String { "invalid trusted root: \(message)" }
}
