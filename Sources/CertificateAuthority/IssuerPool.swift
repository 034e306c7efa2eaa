import Foundation
import SigstoreKit
import WireFormat

/// The configured issuers. Lookup is purely local: an `iss` that matches nothing is rejected
/// before any discovery or JWKS fetch, so tokens can't make the CA contact arbitrary URLs.
public struct IssuerPool: Sendable {
    public let issuers: [IssuerConfiguration]

    public init(_ issuers: [IssuerConfiguration]) {
        self.issuers = issuers
    }

    /// The issuer for `iss`: exact entries win over wildcard ones.
    public func issuer(for iss: String) -> IssuerConfiguration? {
        // Issuer URLs are short; refusing long ones bounds the wildcard matcher's work.
        guard iss.utf8.count <= 1024 else { return nil }
        return issuers.first { $0.match == .exact && $0.matches(iss) } ?? issuers.first { $0.match == .wildcard && $0.matches(iss) }
    }

    /// Reads the issuer file (`ca/issuers.json`, documented in `ca/README.md`):
    /// `{"oidc-issuers": {URL: ENTRY, ...}, "meta-issuers": {PATTERN: ENTRY, ...}}` where ENTRY has
    /// `type` and optionally `client-id`, `challenge-claim`, `subject-domain`, `spiffe-trust-domain`,
    /// `skip-email-verification`, `ci-provider-url`. Unknown keys are errors, so typos can't silently
    /// weaken the policy.
    public init(configurationJSON bytes: [UInt8]) throws(IssuerConfigurationError) {
        let root: JSONValue
        do { root = try JSONValue(parsing: bytes) } catch { throw .malformedFile("not JSON: \(error)") }
        guard let members = root.objectValue else { throw .malformedFile("top level is not an object") }
        var issuers: [IssuerConfiguration] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            let match: IssuerConfiguration.Match
            switch key {
            case "oidc-issuers": match = .exact
            case "meta-issuers": match = .wildcard
            default: throw .malformedFile("unknown key \(key)")
            }
            guard let entries = value.objectValue else { throw .malformedFile("\(key) is not an object") }
            for (url, entry) in entries.sorted(by: { $0.key < $1.key }) {
                issuers.append(try Self.entry(url: url, match: match, entry))
            }
        }
        self.init(issuers)
    }

    /// Reads the issuer file at `path`.
    public init(configurationFile path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try self.init(configurationJSON: Array(data))
    }

    private static let entryKeys: Set<String> = [
        "type", "client-id", "challenge-claim", "subject-domain", "spiffe-trust-domain",
        "skip-email-verification", "ci-provider-url", "description", "contact",
    ]

    private static func entry(url: String, match: IssuerConfiguration.Match, _ value: JSONValue) throws(IssuerConfigurationError) -> IssuerConfiguration {
        guard let fields = value.objectValue else { throw .invalid(url: url, reason: "entry is not an object") }
        if let unknown = fields.keys.first(where: { !entryKeys.containsExactly($0) }) {
            throw .invalid(url: url, reason: "unknown key \(unknown)")
        }
        func string(_ name: String) throws(IssuerConfigurationError) -> String? {
            guard let field = fields[name] else { return nil }
            guard let text = field.stringValue else { throw .invalid(url: url, reason: "\(name) is not a string") }
            return text
        }
        guard let typeName = try string("type"), let type = IssuerType(rawValue: typeName) else {
            throw .invalid(url: url, reason: "type must be one of \(IssuerType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var skip = false
        if let field = fields["skip-email-verification"] {
            guard let flag = field.boolValue else { throw .invalid(url: url, reason: "skip-email-verification is not a boolean") }
            skip = flag
        }
        return try IssuerConfiguration(
            url: url, match: match, type: type, clientID: try string("client-id") ?? "sigstore",
            challengeClaim: try string("challenge-claim"), subjectDomain: try string("subject-domain"),
            spiffeTrustDomain: try string("spiffe-trust-domain"), skipEmailVerification: skip,
            ciProviderURL: try string("ci-provider-url") ?? "https://github.com")
    }
}
