import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// The per-type claim checks of Fulcio's principals (sigstore-spec.md §A.6). Every test is on
/// UTF-8 bytes: a `Character` search misses `@` followed by a combining mark, and `String ==`
/// equates canonically equivalent text.
enum IdentityRules {
    /// `email` issuers: a syntactically valid `email` that the provider verified.
    static func email(_ claims: ClaimReader, config: IssuerConfiguration) throws(TokenError) -> String {
        let email = try claims.required("email", asciiOnly: true)
        guard isPlausibleEmail(email) else { throw .invalidClaim(name: "email", reason: "not an email address") }
        if !config.skipEmailVerification {
            // Fulcio accepts a JSON true or the strings "true"/"True" (some IdPs send strings).
            switch claims.claims["email_verified"] {
            case .bool(true)?: break
            case .string(let text)? where text.isExactly("true") || text.isExactly("True"): break
            default: throw .emailNotVerified
            }
        }
        return email
    }

    /// One `@`, non-empty local part and a dotless-or-dotted domain, no spaces or controls.
    static func isPlausibleEmail(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, bytes.count <= 320 else { return false }
        // rfc822Name is an IA5String, so only ASCII can be certified.
        let forbidden = Array("<>()[],;:\\\"".utf8)
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }
    }

    /// `uri` issuers: `sub` is a URI (not an email) whose scheme and host equal `subject-domain`'s.
    static func uri(sub: String, config: IssuerConfiguration) throws(TokenError) -> String {
        if let problem = CertifiableText.problem(in: sub, asciiOnly: true) { throw .invalidClaim(name: "sub", reason: problem) }
        guard !sub.containsByte(UInt8(ascii: "@")) || sub.containsExactly("://"),
              let uri = URL(string: sub), let scheme = uri.scheme, let host = uri.host,
              let domain = config.subjectDomain.flatMap({ URL(string: $0) }),
              let domainScheme = domain.scheme, let domainHost = domain.host,
              scheme.isExactly(domainScheme), host.isExactly(domainHost)
        else { throw .invalidClaim(name: "sub", reason: "not a URI under \(config.subjectDomain ?? "the subject domain")") }
        return sub
    }

    /// `username` issuers: `sub!subject-domain`, where `sub` is neither an email nor contains `!`.
    static func username(sub: String, config: IssuerConfiguration) throws(TokenError) -> String {
        guard !sub.containsByte(UInt8(ascii: "!")), !sub.containsByte(UInt8(ascii: "@")), let domain = config.subjectDomain else {
            throw .invalidClaim(name: "sub", reason: "usernames may not contain ! or @")
        }
        return "\(sub)!\(domain)"
    }

    /// OtherName 1.3.6.1.4.1.57264.1.7 whose value is `[0] EXPLICIT UTF8String`.
    static func usernameOtherName(_ name: String) throws(TokenError) -> GeneralName {
        do {
            var serializer = DER.Serializer()
            try serializer.serialize(ASN1UTF8String(name))
            let value = try ASN1Any(derEncoded: serializer.serializedBytes)
            return .otherName(.init(typeID: [1, 3, 6, 1, 4, 1, 57264, 1, 7], value: value))
        } catch {
            throw .invalidClaim(name: "sub", reason: "cannot encode username")
        }
    }

    /// `kubernetes` issuers: `https://kubernetes.io/namespaces/NS/serviceaccounts/SA` from the
    /// `kubernetes.io` claim object.
    static func kubernetes(_ claims: [String: JSONValue]) throws(TokenError) -> String {
        guard let k8s = claims["kubernetes.io"], let namespace = k8s["namespace"]?.stringValue, !namespace.isEmpty,
              let account = k8s["serviceaccount"]?["name"]?.stringValue, !account.isEmpty
        else { throw .missingClaim("kubernetes.io.namespace / kubernetes.io.serviceaccount.name") }
        return "https://kubernetes.io/namespaces/\(namespace)/serviceaccounts/\(account)"
    }

    /// `spiffe` issuers: `sub` is a SPIFFE ID in the configured trust domain.
    static func spiffe(sub: String, config: IssuerConfiguration) throws(TokenError) {
        guard let domain = config.spiffeTrustDomain, CertifiableText.problem(in: sub, asciiOnly: true) == nil,
              sub.hasExactPrefix("spiffe://\(domain)/") else {
            throw .invalidClaim(name: "sub", reason: "not a SPIFFE ID in trust domain \(config.spiffeTrustDomain ?? "")")
        }
    }
}
