/// One decoded RFC 7468 block: its label (`PUBLIC KEY`, `CERTIFICATE`, …) and the DER it holds.
public struct PEMBlock: Sendable, Equatable {
    /// The text between `-----BEGIN ` and `-----`.
    public let label: String
    /// The decoded body; never empty.
    public let der: [UInt8]

    public init(label: String, der: [UInt8]) {
        self.label = label
        self.der = der
    }

    /// The block's one canonical text (`PEMEncoding.encode`): 64-character lines, LF, a final
    /// newline. Whatever wrapping or line endings the block arrived with, this is what is stored.
    public var canonicalText: String { PEMEncoding.encode(der, label: label) }
}
