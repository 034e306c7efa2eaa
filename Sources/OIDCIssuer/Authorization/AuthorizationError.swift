/// Why the authorization-code flow refused a request. At `GET/POST /authorize` it becomes an error
/// page (never a redirect: the redirect URI may be the very thing that is wrong); at `POST /token`
/// an RFC 6749 §5.2 JSON error. Messages name the parameter, never its value when it is a secret
/// (codes, verifiers).
public enum AuthorizationError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingParameter(String)
    case invalidParameter(name: String, reason: String)
    case tooLong(parameter: String, limit: Int)
    case invalidRedirectURI(String)
    /// `client_id` names no client of this issuer, or the client authentication is wrong.
    case invalidClient(String)
    /// The code is unknown, used, expired, or bound to another client, redirect URI or verifier.
    case invalidGrant(String)
    case unsupportedGrantType
    /// The sign-in form or the code exchange came from a non-loopback client.
    case notLoopback

    /// The RFC 6749 §4.1.2.1 / §5.2 error code.
    public var oauthCode: String {
        switch self {
        case .missingParameter, .invalidParameter, .tooLong, .invalidRedirectURI: "invalid_request"
        case .invalidClient: "invalid_client"
        case .invalidGrant: "invalid_grant"
        case .unsupportedGrantType: "unsupported_grant_type"
        case .notLoopback: "access_denied"
        }
    }

    public var description: String {
        switch self {
        case .missingParameter(let name): "missing parameter \(name)"
        case .invalidParameter(let name, let reason): "invalid parameter \(name): \(reason)"
        case .tooLong(let name, let limit): "parameter \(name) is longer than \(limit) bytes"
        case .invalidRedirectURI(let reason): "invalid redirect_uri: \(reason)"
        case .invalidClient(let reason): "invalid client: \(reason)"
        case .invalidGrant(let reason): "invalid authorization code: \(reason)"
        case .unsupportedGrantType: "unsupported grant_type: expected authorization_code (or no grant_type for the script form)"
        case .notLoopback: "this development endpoint only answers loopback clients"
        }
    }
}
