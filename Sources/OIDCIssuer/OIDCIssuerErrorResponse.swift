import Hummingbird
import ServerSupport

/// How a refusal leaves the issuer: its status, and its description as the JSON error's message.
extension OIDCIssuerError: JSONResponseError {
    public var status: HTTPResponse.Status {
        switch self {
        case .notLoopback: .forbidden
        case .unknownJobToken: .unauthorized
        case .weakKey, .unreadableKey: .internalServerError
        case .missingField, .invalidField: .badRequest
        }
    }
}
