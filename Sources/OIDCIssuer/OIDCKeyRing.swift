import Foundation
import WireFormat

/// The issuer's signing keys: one active key per algorithm, plus retired public keys that stay in
/// the JWKS until every token they signed has expired. Relying parties refresh their JWKS on an
/// unknown `kid`, so publishing the new key at once and dropping the old one late lets rotation
/// happen without a single token failing verification.
public struct OIDCKeyRing: Sendable {
    /// A public key that no longer signs but must still verify tokens issued before `publishedUntil`.
    public struct RetiredKey: Sendable {
        public let publicJWK: JSONValue
        public let keyID: String
        public let publishedUntil: Date
    }

    private(set) var active: [OIDCSigningKey.Algorithm: OIDCSigningKey]
    /// Retired keys, oldest first.
    public private(set) var retired: [RetiredKey] = []

    /// A ring with exactly one RS256 and one ES256 key.
    public init(rs256: OIDCSigningKey, es256: OIDCSigningKey) throws {
        guard rs256.algorithm == .rs256 else { throw OIDCIssuerError.invalidField(name: "rs256", reason: "not an RSA key") }
        guard es256.algorithm == .es256 else { throw OIDCIssuerError.invalidField(name: "es256", reason: "not a P-256 key") }
        active = [.rs256: rs256, .es256: es256]
    }

    /// The key that signs new tokens with `algorithm`.
    public func signingKey(for algorithm: OIDCSigningKey.Algorithm) -> OIDCSigningKey {
        guard let key = active[algorithm] else { preconditionFailure("OIDCKeyRing: no active \(algorithm) key") }
        return key
    }

    /// Makes `newKey` the active key of its algorithm. The key it replaces stays published until
    /// `retiredKeysPublishedUntil` (the caller passes now + token lifetime + clock skew).
    public mutating func rotate(to newKey: OIDCSigningKey, retiredKeysPublishedUntil until: Date) {
        if let old = active[newKey.algorithm], old.keyID != newKey.keyID {
            retired.append(RetiredKey(publicJWK: old.publicJWK, keyID: old.keyID, publishedUntil: until))
        }
        active[newKey.algorithm] = newKey
    }

    /// Forgets retired keys whose tokens have all expired by `now`.
    public mutating func prune(now: Date) {
        retired.removeAll { $0.publishedUntil <= now }
    }

    /// The JWKS document (RFC 7517 §5): active keys, then retired keys still inside their window.
    public func jwks(now: Date) -> JSONValue {
        var keys = OIDCSigningKey.Algorithm.allCases.compactMap { active[$0]?.publicJWK }
        keys += retired.filter { $0.publishedUntil > now }.map(\.publicJWK)
        return ["keys": .array(keys)]
    }
}
