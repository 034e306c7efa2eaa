/// Why bytes are not an acceptable DSSE envelope.
public struct DSSEError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
