import HTTPTypes
import WireFormat

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
///
/// The scheme is compared case-insensitively (RFC 7235 §2.1; GitHub's own docs write `bearer`),
/// over ASCII bytes so no locale or Unicode case mapping can make another scheme match. The token
/// is a secret: `description` is redacted, so interpolating one into a log line or an error
/// message shows nothing of it.
public struct BearerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credentials after the scheme and its spaces, trailing spaces and tabs removed.
    public let value: String

    /// The request's bearer token, or nil when there is no `Authorization` header, its scheme is
    /// not `Bearer`, or the token is empty.
    public init?(headers: HTTPFields) {
        guard let header = headers[.authorization] else { return nil }
        self.init(authorization: header)
    }

    /// Parses an `Authorization` value: `Bearer`, one or more spaces, the token.
    public init?(authorization header: String) {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == Self.space,
              zip(bytes, scheme).allSatisfy({ $0.asciiLowercased == $1 }) else { return nil }
        let start = bytes[scheme.count...].firstIndex { $0 != Self.space } ?? bytes.endIndex
        let end = bytes[start...].lastIndex { $0 != Self.space && $0 != Self.tab }.map { $0 + 1 } ?? start
        guard start < end else { return nil }
        value = String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public var description: String { "BearerToken(redacted)" }
    public var debugDescription: String { description }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

}
