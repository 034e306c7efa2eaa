import Foundation
import WireFormat

/// The identity a Fulcio certificate must carry: SAN and OIDC issuer (each exact or a regular
/// expression), plus optional exact values of other Fulcio extensions, e.g. GitHub workflow claims.
///
/// Every comparison is on the exact text: exact values byte for byte, regular expressions over
/// Unicode scalars. Neither applies canonical equivalence, so a certificate for
/// `\u{212A}ate` (KELVIN SIGN) does not satisfy a policy for `Kate`, as in sigstore-go.
public struct CertificateIdentity: Sendable {
    /// An exact string, or a regular expression searched for anywhere in the value (Go
    /// `regexp.MatchString` semantics, as cosign uses; anchor with `^…$` to match whole values).
    public enum Matcher: Sendable, Equatable, CustomStringConvertible {
        case exact(String)
        case regularExpression(String)

        public var description: String {
            switch self {
            case .exact(let s): JSONError.quoted(s, limit: 200)
            case .regularExpression(let p): "/\(p)/"
            }
        }

        func matches(_ value: String) -> Bool {
            switch self {
            case .exact(let expected): return value.isExactly(expected)
            case .regularExpression(let pattern):
                // Compiled in `CertificateIdentity.init`, so this cannot fail here.
                guard let regex = try? Self.compile(pattern) else { return false }
                return value.contains(regex)
            }
        }

        /// Scalar semantics: Swift's default matches `Character`s under canonical equivalence
        /// (`/^café$/` would match `cafe` + U+0301); Go's regexp, which cosign uses, matches code points.
        static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
            try Regex(pattern).matchingSemantics(.unicodeScalar)
        }
    }

    public let subject: Matcher
    public let issuer: Matcher
    /// Extensions that must be present with exactly this value.
    public let extensions: [FulcioExtension: String]

    public init(subject: Matcher, issuer: Matcher, extensions: [FulcioExtension: String] = [:]) throws(VerificationPolicyError) {
        for matcher in [subject, issuer] {
            if case .regularExpression(let pattern) = matcher {
                do { _ = try Matcher.compile(pattern) } catch {
                    throw VerificationPolicyError("regular expression \(JSONError.quoted(pattern)) does not compile")
                }
            }
        }
        self.subject = subject
        self.issuer = issuer
        self.extensions = extensions
    }
}
