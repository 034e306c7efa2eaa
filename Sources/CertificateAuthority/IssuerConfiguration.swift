import Foundation
import SigstoreKit
import WireFormat

/// One configured OIDC issuer (Fulcio's `oidc-issuers` / `meta-issuers` entries): which token
/// issuers are trusted, how their claims become an identity, and which audience they must carry.
public struct IssuerConfiguration: Sendable, Equatable {
    /// How `url` is matched against a token's `iss`.
    public enum Match: Sendable, Equatable {
        /// Byte-for-byte equality.
        case exact
        /// Each `*` matches `[-_a-zA-Z0-9]+`, the whole URL anchored (Fulcio meta-issuers, GHSA-59jp-pj84-45mr).
        case wildcard
    }

    public var url: String
    public var match: Match
    public var type: IssuerType
    /// The audience (`client-id`) tokens must carry; `sigstore` on the public instance.
    public var clientID: String
    /// The claim the proof of possession signs.
    public var challengeClaim: String
    /// Required for `uri` and `username` issuers: the scheme+host (uri) or domain (username) of identities.
    public var subjectDomain: String?
    /// Required for `spiffe` issuers.
    public var spiffeTrustDomain: String?
    /// For internal IdPs that never set `email_verified`. Off unless configured.
    public var skipEmailVerification: Bool
    /// Base URL the CI templates prefix to repository paths (`https://github.com` for GitHub).
    public var ciProviderURL: String

    public init(url: String, match: Match = .exact, type: IssuerType, clientID: String = "sigstore",
                challengeClaim: String? = nil, subjectDomain: String? = nil, spiffeTrustDomain: String? = nil,
                skipEmailVerification: Bool = false, ciProviderURL: String = "https://github.com") throws(IssuerConfigurationError) {
        self.url = url
        self.match = match
        self.type = type
        self.clientID = clientID
        self.challengeClaim = challengeClaim ?? type.defaultChallengeClaim
        self.subjectDomain = subjectDomain
        self.spiffeTrustDomain = spiffeTrustDomain
        self.skipEmailVerification = skipEmailVerification
        self.ciProviderURL = ciProviderURL
        try validate()
    }

    /// Fulcio's config checks, so a bad file fails at startup rather than at the first token.
    private func validate() throws(IssuerConfigurationError) {
        // Tokens' `iss` must be printable ASCII (see `TokenValidator`), so an issuer that isn't could never match.
        if let problem = CertifiableText.problem(in: url, asciiOnly: true) { throw .invalid(url: url, reason: "the URL \(problem)") }
        guard URL(string: url.replacingOccurrences(of: "*", with: "x"))?.scheme != nil else {
            throw .invalid(url: url, reason: "not an absolute URL")
        }
        guard !clientID.isEmpty else { throw .invalid(url: url, reason: "client-id is empty") }
        if match == .exact, url.containsByte(UInt8(ascii: "*")) { throw .invalid(url: url, reason: "`*` is only allowed in meta-issuers") }
        switch type {
        case .uri, .username:
            guard let subjectDomain, !subjectDomain.isEmpty else {
                throw .invalid(url: url, reason: "\(type.rawValue) issuers need subject-domain")
            }
        case .spiffe:
            guard let spiffeTrustDomain, !spiffeTrustDomain.isEmpty else {
                throw .invalid(url: url, reason: "spiffe issuers need spiffe-trust-domain")
            }
            guard match == .exact else { throw .invalid(url: url, reason: "spiffe issuers cannot be meta-issuers") }
        default:
            break
        }
    }

    /// Whether a token's `iss` belongs to this issuer, byte for byte: `String ==` would let
    /// `…/\u{212A}elvin` (KELVIN SIGN) stand for `…/Kelvin`.
    func matches(_ issuer: String) -> Bool {
        switch match {
        case .exact: issuer.isExactly(url)
        case .wildcard: wildcardMatches(pattern: url, issuer)
        }
    }
}

/// `*` → one or more of `[-_a-zA-Z0-9]`, every other character literal, anchored at both ends.
/// Hand-rolled instead of building a regex so no pattern character can ever act as a metacharacter.
func wildcardMatches(pattern: String, _ candidate: String) -> Bool {
    let p = Array(pattern.utf8), s = Array(candidate.utf8)
    func isAllowed(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }
    func match(_ i: Int, _ j: Int) -> Bool {
        if i == p.count { return j == s.count }
        if p[i] != UInt8(ascii: "*") { return j < s.count && s[j] == p[i] && match(i + 1, j + 1) }
        var k = j
        while k < s.count, isAllowed(s[k]) {
            k += 1
            if match(i + 1, k) { return true }
        }
        return false
    }
    return match(0, 0)
}

/// A configuration file or entry the CA refuses to start with.
public enum IssuerConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(url: String, reason: String)
    case malformedFile(String)

    public var description: String {
        switch self {
        case .invalid(let url, let reason): "issuer \(url): \(reason)"
        case .malformedFile(let reason): "issuer configuration: \(reason)"
        }
    }
}
