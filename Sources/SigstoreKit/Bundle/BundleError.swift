import WireFormat

/// Why a bundle could not be read. `message` is exact and names the field, e.g.
/// `unsupported bundle mediaType "application/vnd.dev.sigstore.bundle+json;version=99.9"` or
/// `verificationMaterial.tlogEntries[0].logIndex must not be negative`.
public struct BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Stored through `UntrustedText.escaped`: the message may embed text from the bundle.
    public init(_ message: String) { self.message = UntrustedText.escaped(message) }
    public var description: String { "invalid bundle: \(message)" }
}
