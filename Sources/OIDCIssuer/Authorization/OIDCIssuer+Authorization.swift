import Foundation
import WireFormat

/// The authorization-code flow's state changes: a signed-in identity becomes a single-use code,
/// and a code plus its verifier becomes tokens.
extension OIDCIssuer {
    /// The tokens a redeemed code yields. `accessToken` is a JWT with the ID token's claims:
    /// sigstore-python uses the access token as its identity token and ignores `id_token`.
    public struct CodeTokens: Sendable {
        public let idToken: String
        public let accessToken: String
        public let expiresIn: Int
        /// The scope of the authorization request, granted as asked.
        public let scope: String
    }

    /// Issues a code for `identity` answering `request`, valid for `authorizationCodeLifetime`.
    func issueCode(for request: AuthorizationRequest, identity: SignInIdentity) -> String {
        let now = configuration.now()
        let grant = AuthorizationGrant(request: request, identity: identity,
                                       expires: now.addingTimeInterval(configuration.authorizationCodeLifetime))
        return codes.issue(grant, now: now)
    }

    /// Redeems `exchange.code` (RFC 6749 §4.1.3): the code must exist and be unexpired, and the
    /// request must name the client and redirect URI the code was issued to (as bytes) and carry
    /// the verifier of its S256 challenge. The code is spent by the first attempt, good or bad.
    func redeem(_ exchange: CodeExchangeRequest) throws -> CodeTokens {
        guard exchange.clientID.isExactly(configuration.clientID) else { throw AuthorizationError.invalidClient("unknown client_id") }
        guard let grant = codes.redeem(exchange.code) else {
            throw AuthorizationError.invalidGrant("unknown or already used")
        }
        guard configuration.now() < grant.expires else { throw AuthorizationError.invalidGrant("expired") }
        guard grant.request.clientID.isExactly(exchange.clientID) else {
            throw AuthorizationError.invalidGrant("issued to another client")
        }
        guard grant.request.redirectURI.text.isExactly(exchange.redirectURI) else {
            throw AuthorizationError.invalidGrant("redirect_uri differs from the authorization request's")
        }
        guard grant.request.challenge.isSatisfied(by: exchange.verifier) else {
            throw AuthorizationError.invalidGrant("code_verifier does not match the code_challenge")
        }
        var extra: [String: JSONValue] = [:]
        if let nonce = grant.request.nonce { extra["nonce"] = .string(nonce) }
        let token = try mintToken(subject: grant.identity.subject, email: grant.identity.email,
                                  audience: grant.request.clientID, claims: extra)
        return CodeTokens(idToken: token, accessToken: token, expiresIn: Int(configuration.tokenLifetime),
                          scope: grant.request.scope)
    }
}
