/// Why an RFC 3161 timestamp was rejected; `message` reads as the end of "couldn't verify
/// timestamp: …".
public struct TimestampError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
