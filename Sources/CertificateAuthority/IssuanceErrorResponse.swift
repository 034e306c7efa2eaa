import Hummingbird
import ServerSupport

/// How a refusal leaves the CA: its status, and its description as the JSON error's message.
/// Handlers throw and the router maps, so no handler builds an error response itself.
extension IssuanceError: JSONResponseError {
    /// Fulcio maps client errors to InvalidArgument (400), never 401. A busy key fetch is the CA's
    /// own condition, passing: 503 with `Retry-After`.
    public var status: HTTPResponse.Status {
        switch self {
        case .token(.discoveryBusy): .serviceUnavailable
        case .requestTooLarge: .contentTooLarge
        case .transparencyLogFailed, .signingFailed: .internalServerError
        default: .badRequest
        }
    }

    public var responseHeaders: HTTPFields {
        guard case .token(.discoveryBusy) = self else { return [:] }
        var headers = HTTPFields()
        headers[.retryAfter] = "1"
        return headers
    }
}
