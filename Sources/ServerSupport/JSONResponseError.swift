import Hummingbird
import WireFormat

/// An error that leaves a Sigil server with its status and ``JSONErrorBody``, its `description`
/// as the message. Conforming types say only which status each case maps to; the body is written
/// here, once, so the three servers cannot drift apart on the shape of a refusal.
///
/// Hummingbird's router turns a thrown `HTTPResponseError` into its response, so handlers throw
/// domain errors and the mapping to HTTP happens only at the edge.
public protocol JSONResponseError: HTTPResponseError, CustomStringConvertible {
    /// Headers sent with the error (`Location`, `Retry-After`); none by default.
    var responseHeaders: HTTPFields { get }
}

extension JSONResponseError {
    public var responseHeaders: HTTPFields { [:] }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONReply.error(status: status, message: description, headers: responseHeaders)
    }
}
