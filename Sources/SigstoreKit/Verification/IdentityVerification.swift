import SwiftASN1
import WireFormat
import X509

/// Checks a signing certificate against a `CertificateIdentity` (sigstore-go
/// `certificate_identity.go`): some SAN matches the subject, the OIDC issuer (extension `.1.8`,
/// falling back to the raw `.1.1`) matches the issuer, and every required extension has its value.
enum IdentityVerification {
    /// Returns the (SAN, issuer) pair that matched.
    static func verify(_ certificate: Certificate, against identity: CertificateIdentity) throws(VerificationError) -> (subject: String, issuer: String) {
        let sans = try subjectAlternativeNames(certificate)
        guard let subject = sans.first(where: identity.subject.matches) else {
            throw .step(.identity, "no subject alternative name matches \(identity.subject) (certificate has \(sans.prefix(8).map { JSONError.quoted($0, limit: 200) }.joined(separator: ", ")))")
        }
        guard let issuer = try FulcioExtension.oidcIssuer(in: certificate) else {
            throw .step(.identity, "the certificate has no OIDC issuer extension")
        }
        guard identity.issuer.matches(issuer) else {
            throw .step(.identity, "OIDC issuer \(JSONError.quoted(issuer, limit: 200)) does not match \(identity.issuer)")
        }
        for (ext, expected) in identity.extensions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let actual = try ext.value(in: certificate)
            guard let actual, actual.isExactly(expected) else {
                throw .step(.identity, "extension \(ext) is \(actual.map { JSONError.quoted($0) } ?? "absent"), expected \(JSONError.quoted(expected))")
            }
        }
        return (subject, issuer)
    }

    /// Email, URI and Fulcio username (otherName `.1.7`) SANs, in certificate order.
    static func subjectAlternativeNames(_ certificate: Certificate) throws(VerificationError) -> [String] {
        let names: SubjectAlternativeNames?
        do { names = try certificate.extensions.subjectAlternativeNames } catch {
            throw .step(.identity, "the certificate's subjectAltName does not parse")
        }
        var identities: [String] = []
        for name in names ?? SubjectAlternativeNames([]) {
            switch name {
            case .rfc822Name(let email): identities.append(email)
            case .uniformResourceIdentifier(let uri): identities.append(uri)
            case .otherName(let other) where other.typeID == CertificateIdentities.fulcioUsernameOID:
                guard let username = CertificateIdentities.username(other) else {
                    throw .step(.identity, "the certificate's username SAN is not a UTF8String of valid UTF-8")
                }
                identities.append(username)
            default: break
            }
        }
        return identities
    }
}
