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
    public var now: @Sendable () -> Date = { Date() }

    public init(issuerURL: String) {
        var url = issuerURL
        while url.hasSuffix("/") { url.removeLast() }
        self.issuerURL = url
    }

    /// The second issuer, emulating `https://token.actions.githubusercontent.com`.
    public var actionsIssuerURL: String { issuerURL + "/actions" }
}
