/// An issuer's JWKS as one fetch returned it, with how long the issuer lets it be reused.
public struct FetchedKeySet: Sendable {
    public let keys: JSONWebKeySet
    /// Seconds the JWKS response may be reused (RFC 9111 freshness lifetime minus `Age`): 0 for
    /// `no-store`/`no-cache`, nil when the response says nothing. `JWKSCache` bounds it either way,
    /// so an issuer can neither pin a key forever nor make the CA refetch on every token.
    public let maxAge: Double?

    public init(keys: JSONWebKeySet, maxAge: Double? = nil) {
        self.keys = keys
        self.maxAge = maxAge
    }
}
