import WireFormat

/// Compact JWS serialization (RFC 7515 §7.1) of an ID token: `base64url(header) "." base64url(claims)
/// "." base64url(signature)`. Claims are written as RFC 8785 canonical JSON only because it is a
/// deterministic encoder we already have; verifiers do not care about member order.
enum CompactJWS {
    static func sign(claims: [String: JSONValue], with key: OIDCSigningKey) throws -> String {
        let header: JSONValue = ["alg": .string(key.algorithm.rawValue), "typ": "JWT", "kid": .string(key.keyID)]
        let signingInput = Base64URL.encode(CanonicalJSON.encode(header)) + "."
            + Base64URL.encode(CanonicalJSON.encode(.object(claims)))
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}
