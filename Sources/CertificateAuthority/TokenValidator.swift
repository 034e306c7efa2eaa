import Foundation
import SigstoreKit
import WireFormat

/// A token whose signature, issuer, audience and times have been checked.
public struct VerifiedToken: Sendable {
    /// The token's `iss`, exactly as signed.
    public let issuerURL: String
    /// The configuration entry that matched `iss`.
    public let issuer: IssuerConfiguration
    public let claims: [String: JSONValue]
}

/// Validates OIDC identity tokens as Fulcio does (sigstore-spec.md §A.5), in this order:
/// 1. parse the compact JWS; the header `alg` must be RS256, ES256 or EdDSA (`none`, HS*, … refused);
/// 2. `iss` must match a configured issuer — checked before any network access;
/// 3. the signature must verify with a JWKS key of that `kid` and algorithm (one refetch on unknown kid);
/// 4. `aud` contains the issuer's client ID; `exp` has not passed (no leeway); `nbf` and `iat` are
///    not later than now + `clockSkew`.
/// Type-specific claim checks (e.g. `email_verified`) happen when the identity is derived.
public struct TokenValidator: Sendable {
    static let allowedAlgorithms = ["RS256", "ES256", "EdDSA"]

    public let issuers: IssuerPool
    let cache: JWKSCache
    let now: @Sendable () -> Date
    /// Allowed clock difference for `nbf`/`iat` in the future.
    public let clockSkew: TimeInterval

    public init(issuers: IssuerPool, keyFetcher: any OIDCKeyFetcher,
                now: @escaping @Sendable () -> Date = { Date() }, clockSkew: TimeInterval = 60) {
        self.issuers = issuers
        self.cache = JWKSCache(fetcher: keyFetcher, now: now)
        self.now = now
        self.clockSkew = clockSkew
    }

    public func validate(_ token: String) async throws(TokenError) -> VerifiedToken {
        let jwt = try CompactJWT(token)
        guard let alg = jwt.header["alg"]?.stringValue else { throw .malformed("header has no alg") }
        guard Self.allowedAlgorithms.containsExactly(alg) else { throw .algorithmNotAllowed(alg) }
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; we understand none.
        guard jwt.header["crit"] == nil else { throw .malformed("header has crit extensions") }
        guard let iss = jwt.unverifiedIssuer else { throw .missingClaim("iss") }
        // Refused before the lookup: an issuer URL is printable ASCII, and matched byte for byte.
        if let problem = CertifiableText.problem(in: iss, asciiOnly: true) { throw .invalidClaim(name: "iss", reason: problem) }
        guard let issuer = issuers.issuer(for: iss) else { throw .unknownIssuer(iss) }

        let kid = jwt.header["kid"]?.stringValue
        // Only issuers a meta-issuer pattern admits share the per-host bound on first fetches: a
        // configured exact issuer is always fetched, or a flood of made-up names could keep it out.
        let candidates = try await cache.candidates(issuer: iss, kid: kid, boundedFirstFetch: issuer.match != .exact)
        guard !candidates.isEmpty else { throw .unknownKeyID(kid ?? "(none)") }
        let usable = candidates.filter { $0.algorithm.isExactly(alg) }
        guard !usable.isEmpty else { throw .keyAlgorithmMismatch(alg: alg) }
        guard usable.contains(where: { $0.isValidSignature(jwt.signature, for: jwt.signingInput) }) else {
            throw .badSignature
        }
        guard let claims = jwt.claims.objectValue else { throw .malformed("payload is not an object") }
        try checkAudience(claims["aud"], expected: issuer.clientID)
        try checkTimes(claims)
        return VerifiedToken(issuerURL: iss, issuer: issuer, claims: claims)
    }

    private func checkAudience(_ aud: JSONValue?, expected: String) throws(TokenError) {
        let audiences: [String]
        switch aud {
        case .string(let single)?: audiences = [single]
        case .array(let many)?: audiences = many.compactMap(\.stringValue)
        default: throw .missingClaim("aud")
        }
        guard audiences.containsExactly(expected) else { throw .wrongAudience(expected: expected, actual: audiences) }
    }

    private func checkTimes(_ claims: [String: JSONValue]) throws(TokenError) {
        let current = now().timeIntervalSince1970
        let nowSeconds = Int64(current.rounded(.down))
        guard let exp = try numericDate(claims, "exp") else { throw .missingClaim("exp") }
        guard current < Double(exp) else { throw .expired(expiredAt: exp, now: nowSeconds) }
        if let nbf = try numericDate(claims, "nbf"), Double(nbf) > current + clockSkew {
            throw .notYetValid(notBefore: nbf, now: nowSeconds)
        }
        if let iat = try numericDate(claims, "iat"), Double(iat) > current + clockSkew {
            throw .issuedInFuture(issuedAt: iat, now: nowSeconds)
        }
    }

    /// A NumericDate (RFC 7519 §2): seconds, possibly fractional; truncated to whole seconds.
    private func numericDate(_ claims: [String: JSONValue], _ name: String) throws(TokenError) -> Int64? {
        guard let value = claims[name] else { return nil }
        guard let number = value.numberValue, number.isFinite, abs(number) < 1e15 else {
            throw .invalidClaim(name: name, reason: "not a NumericDate")
        }
        return Int64(number.rounded(.down))
    }
}
