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

extension LogError {
    /// Reads what the answer about an entry already committed needs (its inclusion proof), turning
    /// a failure of the database into 503 with Retry-After: the entry is durable, and a retry is
    /// answered with it, where a 500 would tell the client its submission failed. Seen when
    /// PostgreSQL stopped between a batch's commit and the proof read of its answer.
    static func answering<T>(entryAt index: Int64, _ read: () async throws -> T) async throws -> T {
        do {
            return try await read()
        } catch let error as LogError {
            throw error
        } catch {
            throw LogError(.unavailable, "the entry is stored at index \(index), but its inclusion proof could not be read from the database; retry to get it",
                           retryAfter: 1)
        }
    }
}
