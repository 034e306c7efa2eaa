import SigstoreKit
import WireFormat

/// Why an OIDC identity token was refused. Every case becomes HTTP 400 with its description
/// (Fulcio answers InvalidArgument, not 401, for bad tokens); the token itself never appears.
public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing
    case malformed(String)
    case algorithmNotAllowed(String)
    case unknownIssuer(String)
    case discoveryFailed(issuer: String, reason: String)
    /// Too many issuers the CA has never fetched are being fetched from one host right now; the
    /// token may well be good, so this is a 503 to retry, not a refusal (see `JWKSCache`).
    case discoveryBusy(issuer: String, host: String)
    case unknownKeyID(String)
    case keyAlgorithmMismatch(alg: String)
    case badSignature
    case wrongAudience(expected: String, actual: [String])
    case expired(expiredAt: Int64, now: Int64)
    case notYetValid(notBefore: Int64, now: Int64)
    case issuedInFuture(issuedAt: Int64, now: Int64)
    case missingClaim(String)
    case invalidClaim(name: String, reason: String)
    case emailNotVerified

    public var description: String {
        "couldn't verify identity token: " + reason
    }

    private var reason: String {
        switch self {
        case .missing: "no token in credentials.oidcIdentityToken or Authorization: Bearer"
        case .malformed(let why): "malformed JWT: \(why)"
        case .algorithmNotAllowed(let alg): "signature algorithm \(quoted(alg)) is not allowed (only RS256, ES256, EdDSA)"
        case .unknownIssuer(let iss): "issuer \(quoted(iss)) is not configured"
        case .discoveryFailed(let iss, let why): "couldn't fetch the keys of issuer \(quoted(iss)): \(why)"
        case .discoveryBusy(let iss, let host):
            "couldn't fetch the keys of issuer \(quoted(iss)) now: the CA is already fetching those of other new issuers at \(quoted(host)); retry shortly"
        case .unknownKeyID(let kid): "no key with kid \(quoted(kid)) in the issuer's JWKS"
        case .keyAlgorithmMismatch(let alg): "the key the token names cannot verify \(alg) signatures"
        case .badSignature: "signature does not verify"
        case .wrongAudience(let expected, let actual): "audience [\(actual.prefix(8).map(quoted).joined(separator: ", "))] does not contain \(quoted(expected))"
        case .expired(let exp, let now): "token expired at \(exp), now \(now)"
        case .notYetValid(let nbf, let now): "token not valid before \(nbf), now \(now)"
        case .issuedInFuture(let iat, let now): "token issued in the future (iat \(iat), now \(now))"
        case .missingClaim(let name): "missing claim \(name)"
        case .invalidClaim(let name, let why): "invalid claim \(name): \(why)"
        case .emailNotVerified: "email not verified by the identity provider (email_verified is not true)"
        }
    }

    /// Token text is the sender's: quoted with control characters escaped and its length capped,
    /// so it cannot forge lines in a log or a terminal.
    private func quoted(_ text: String) -> String { JSONError.quoted(text, limit: 200) }
}
