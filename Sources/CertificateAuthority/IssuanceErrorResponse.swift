import Hummingbird
import ServerSupport

/// How a refusal leaves the CA: its status, and its description as the JSON error's message.
/// Handlers throw and the router maps, so no handler builds an error response itself.
extension IssuanceError: JSONResponseError {
    /// Fulcio maps client errors to InvalidArgument (400), never 401.
    public var status: HTTPResponse.Status {
        switch self {
        case .requestTooLarge: .contentTooLarge
        case .transparencyLogFailed, .signingFailed: .internalServerError
        default: .badRequest
        }
    }
}
