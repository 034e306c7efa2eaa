import Foundation
import SigstoreKit
import WireFormat

/// An OIDC identity token as the client sees it: the raw JWT (a secret, never printed) and the
/// claims read from its payload WITHOUT verifying the signature. The CA verifies the token; the
/// client only needs the claims to pick the proof-of-possession challenge (sigstore-spec A.3) and
/// to fail early on an expired token instead of after a network round trip.
public struct IdentityToken: Sendable, CustomStringConvertible {
    /// The compact JWS. Secret: send it only to the CA.
    public let rawValue: String
    public let issuer: String
    public let subject: String
    public let email: String?
    /// Whether the issuer verified `email` (`email_verified`, a bool or the string "true").
    public let emailVerified: Bool
    public let expiry: Date?

    /// Reads the claims of `jwt`; throws when it is not three base64url parts with a JSON payload
    /// carrying `iss` and `sub`.
    public init(_ jwt: String) throws(TokenError) {
        let token = jwt.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty else { throw .malformed("an identity token is three base64url parts joined by dots") }
        guard let payload = Base64URL.decode(parts[1]), let claims = try? JSONValue(parsing: payload),
              claims.objectValue != nil else {
            throw .malformed("the token payload is not base64url JSON")
        }
        guard let issuer = claims["iss"]?.stringValue, !issuer.isEmpty else { throw .malformed("the token has no iss claim") }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else { throw .malformed("the token has no sub claim") }
        rawValue = token
        self.issuer = issuer
        self.subject = subject
        email = claims["email"]?.stringValue
        emailVerified = claims["email_verified"]?.boolValue ?? (claims["email_verified"]?.stringValue?.isExactly("true") == true)
        expiry = (claims["exp"]?.integerValue ?? claims["exp"]?.numberValue.map { Int64($0) })
            .map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The string the CA expects the proof of possession to sign: the email for tokens carrying
    /// one (which must then be verified), else `sub` (sigstore/sigstore `SubjectFromUnverifiedToken`).
    public func challenge() throws(TokenError) -> String {
        guard let email else { return subject }
        guard emailVerified else { throw .malformed("the token's email is not verified by the identity provider") }
        return email
    }

    /// Throws when the token has expired at `now` (a small skew is allowed: the CA has the final say).
    public func checkNotExpired(now: Date = Date()) throws(TokenError) {
        if let expiry, expiry.addingTimeInterval(5) < now {
            throw .expired("the identity token expired at \(RFC3339.format(expiry))")
        }
    }

    /// Names the identity, never the token.
    public var description: String { "\(email ?? subject) (issuer \(issuer))" }
}

/// Why no usable identity token was found. Messages never contain the token.
public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case none(String)
    case malformed(String)
    case expired(String)
    case ambient(String)
    /// The interactive (browser or out-of-band) sign-in failed.
    case signIn(String)

    public var description: String {
        switch self {
        case .none(let why): "no identity token: \(why)"
        case .malformed(let why): "the identity token is malformed: \(why)"
        case .expired(let why): why
        case .ambient(let why): "could not get a GitHub Actions identity token: \(why)"
        case .signIn(let why): "sign-in failed: \(why)"
        }
    }
}
