/// Why text is not the PEM this package accepts (`PEMDecoding`). `message` never echoes the
/// input beyond a quoted, escaped label, so it is safe to return to a client or print.
public struct PEMError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
