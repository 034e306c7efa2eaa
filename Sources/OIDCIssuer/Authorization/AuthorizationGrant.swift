import Foundation
import WireFormat

/// What an authorization code stands for until it is redeemed: the identity signed in, and the
/// request it answers. The code is bound to `clientID`, `redirectURI` and `challenge`: the token
/// request must repeat the first two byte for byte and prove the third (RFC 6749 §4.1.3, RFC 7636 §4.6).
struct AuthorizationGrant: Sendable {
    let request: AuthorizationRequest
    let identity: SignInIdentity
    let expires: Date
}

/// The outstanding authorization codes: each redeemable once, until it expires. Bounded, so a
/// client that never redeems its codes cannot grow the issuer's memory; the oldest go first.
struct AuthorizationCodeStore: Sendable {
    private var grants: [ExactString: AuthorizationGrant] = [:]
    private var order: [ExactString] = []
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "OIDCIssuer: the code store needs room for one code")
        self.capacity = capacity
    }

    /// Stores `grant` under a fresh random code (256 bits, base64url) and returns the code.
    mutating func issue(_ grant: AuthorizationGrant, now: Date) -> String {
        grants = grants.filter { $0.value.expires > now }
        order.removeAll { grants[$0] == nil }
        while order.count >= capacity { grants[order.removeFirst()] = nil }
        let code = ExactString(Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) }))
        grants[code] = grant
        order.append(code)
        return code.text
    }

    /// Removes and returns the grant of `code`, or nil when there is none. The code is gone
    /// whatever the caller then decides, so a code presented twice fails the second time even
    /// when the first exchange was refused (RFC 6749 §4.1.2: "MUST NOT use the authorization code
    /// more than once").
    mutating func redeem(_ code: String) -> AuthorizationGrant? {
        let key = ExactString(code)
        guard let grant = grants.removeValue(forKey: key) else { return nil }
        order.removeAll { $0 == key }
        return grant
    }
}
