/// A request the log refuses, with the HTTP status it maps to at the edge.
public struct LogError: Error, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case badRequest, notFound, conflict, payloadTooLarge, unavailable, unprocessable, internalError
    }

    public let code: Code
    public let message: String
    /// Where the conflicting entry lives (for `conflict`).
    public var location: String?
    /// Seconds to wait before retrying (for `unavailable`).
    public var retryAfter: Int?
    /// The index of the entry a duplicate conflicts with (Rekor v2's `x-log-index` header).
    public var logIndex: Int64?

    public init(_ code: Code, _ message: String, location: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
