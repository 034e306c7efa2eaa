import Foundation
import SigstoreKit
import SwiftASN1
import X509

/// The per-type claim checks of Fulcio's principals (sigstore-spec.md §A.6).
enum IdentityRules {
    /// `email` issuers: a syntactically valid `email` that the provider verified.
    static func email(_ claims: ClaimReader, config: IssuerConfiguration) throws(TokenError) -> String {
        let email = try claims.required("email")
        guard isPlausibleEmail(email) else { throw .invalidClaim(name: "email", reason: "not an email address") }
        if !config.skipEmailVerification {
            // Fulcio accepts a JSON true or the strings "true"/"True" (some IdPs send strings).
            switch claims.claims["email_verified"] {
            case .bool(true)?: break
            case .string(let text)? where text == "true" || text == "True": break
            default: throw .emailNotVerified
            }
        }
        return email
    }

    /// One `@`, non-empty local part and a dotless-or-dotted domain, no spaces or controls.
    static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 320 else { return false }
        // rfc822Name is an IA5String, so only ASCII can be certified.
        return text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }

    /// `uri` issuers: `sub` is a URI (not an email) whose scheme and host equal `subject-domain`'s.
    static func uri(sub: String, config: IssuerConfiguration) throws(TokenError) -> String {
        guard !sub.contains("@") || sub.contains("://"),
              let uri = URL(string: sub), let scheme = uri.scheme, let host = uri.host,
              let domain = config.subjectDomain.flatMap({ URL(string: $0) }),
              scheme == domain.scheme, host == domain.host
        else { throw .invalidClaim(name: "sub", reason: "not a URI under \(config.subjectDomain ?? "the subject domain")") }
        return sub
    }

    /// `username` issuers: `sub!subject-domain`, where `sub` is neither an email nor contains `!`.
    static func username(sub: String, config: IssuerConfiguration) throws(TokenError) -> String {
        guard !sub.contains("!"), !sub.contains("@"), let domain = config.subjectDomain else {
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
        guard let domain = config.spiffeTrustDomain, sub.hasPrefix("spiffe://\(domain)/") else {
            throw .invalidClaim(name: "sub", reason: "not a SPIFFE ID in trust domain \(config.spiffeTrustDomain ?? "")")
        }
    }
}
