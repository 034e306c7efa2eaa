import Foundation

/// Where the development issuer lives and how long its tokens last. The clock is injected so
/// tests can mint tokens that are expired or not yet valid without sleeping (STYLE G15).
public struct OIDCIssuerConfiguration: Sendable {
    /// The `iss` of plain tokens and the base of every endpoint URL, without a trailing slash,
    /// e.g. `http://127.0.0.1:5556`. Discovery documents repeat it byte for byte.
    public var issuerURL: String
    /// Lifetime of minted ID tokens (`exp - iat`, and `expires_in`).
    public var tokenLifetime: TimeInterval = 600
    /// Lifetime of an emulated Actions job's request token.
    public var jobLifetime: TimeInterval = 6 * 3600
    /// How many emulated jobs may be registered at once; the oldest is forgotten beyond that.
    public var maxJobs: Int = 10_000
    /// Whether `POST /token` and `POST /actions/jobs` answer clients other than loopback. Only for a
    /// container network whose published ports are themselves bound to loopback (docker-compose),
    /// where the host's requests arrive from the bridge's address.
    public var mintsForAnyClient = false
    /// The one OAuth client of the authorization-code flow (`client_id`), and the audience of the
    /// tokens it gets: `sigstore`, as Sigstore clients and the CA's issuer list expect.
    public var clientID = "sigstore"
    /// How long an authorization code may wait to be redeemed (RFC 6749 §4.1.2 recommends at most 10 minutes).
    public var authorizationCodeLifetime: TimeInterval = 60
    /// How many unredeemed authorization codes are kept; the oldest is forgotten beyond that.
    public var maxPendingCodes = 1_000
    public var now: @Sendable () -> Date = { Date() }

    public init(issuerURL: String) {
        var url = issuerURL
        while url.hasSuffix("/") { url.removeLast() }
        self.issuerURL = url
    }

    /// The second issuer, emulating `https://token.actions.githubusercontent.com`.
    public var actionsIssuerURL: String { issuerURL + "/actions" }
}
