/// Why the development issuer refused a key, a token request or a job registration. Each case
/// maps to one HTTP status at the edge (see `OIDCIssuerErrorResponse.swift`), never earlier.
public enum OIDCIssuerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An RSA key shorter than 2048 bits.
    case weakKey(bits: Int)
    /// A PEM that is not an RSA or P-256 private key.
    case unreadableKey
    /// A required form field is missing or empty.
    case missingField(String)
    /// A form field has a value the issuer cannot use.
    case invalidField(name: String, reason: String)
    /// The request did not come from a loopback address.
    case notLoopback
    /// The Actions token request carried no bearer token, or one that names no registered job.
    case unknownJobToken

    public var description: String {
        switch self {
        case .weakKey(let bits): "RSA signing keys must have at least 2048 bits, not \(bits)"
        case .unreadableKey: "not a PEM RSA or ECDSA P-256 private key"
        case .missingField(let name): "missing form field \(name)"
        case .invalidField(let name, let reason): "invalid form field \(name): \(reason)"
        case .notLoopback: "this development endpoint only answers loopback clients"
        case .unknownJobToken: "missing or unknown ACTIONS_ID_TOKEN_REQUEST_TOKEN"
        }
    }
}
