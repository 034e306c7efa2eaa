import Foundation
import WireFormat

/// What one registry asked for and what it granted: the last challenge seen (so later requests
/// authenticate up front instead of collecting a 401 each) and bearer tokens by scope set,
/// each kept until `expires_in` (60 s when the token server gives none) minus a margin for the
/// request in flight. The tokens are secrets: nothing outside `RegistryClient` reads them.
actor RegistryAuthenticator {
    private struct Token {
        let value: String
        let expires: ContinuousClock.Instant
    }

    private(set) var challenge: AuthChallenge?
    private var tokens: [String: Token] = [:]
    /// The tokens granted lately (expired ones too), so messages can be scrubbed of them.
    private(set) var grantedTokens: [String] = []
    private static let remembered = 64

    /// How long before its stated expiry a token stops being reused (a quarter of a short
    /// lifetime), so it does not expire while a request is on its way.
    static let expiryMargin: Duration = .seconds(5)
    /// `expires_in` when the token server gives none (Docker's token spec default).
    static let defaultLifetime: Duration = .seconds(60)

    func remember(_ challenge: AuthChallenge) {
        self.challenge = challenge
    }

    /// A cached token for `scopeKey` that has not expired.
    func token(for scopeKey: String) -> String? {
        guard let token = tokens[scopeKey] else { return nil }
        guard ContinuousClock.now < token.expires else {
            tokens[scopeKey] = nil
            return nil
        }
        return token.value
    }

    func store(_ value: String, for scopeKey: String, lifetime: Duration) {
        let usable = lifetime - min(Self.expiryMargin, lifetime / 4)
        tokens[scopeKey] = Token(value: value, expires: ContinuousClock.now + usable)
        if !grantedTokens.contains(where: { $0.isExactly(value) }) { grantedTokens.append(value) }
        if grantedTokens.count > Self.remembered { grantedTokens.removeFirst() }
    }

    /// Forgets a token the registry refused, so the next request fetches a fresh one.
    func discard(_ scopeKey: String) {
        tokens[scopeKey] = nil
    }
}
