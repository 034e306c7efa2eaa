import SwiftASN1
import X509

/// Reads the identities Rekor indexes from a certificate's subject alternative names (RFC 5280
/// §4.2.1.6).
enum CertificateIdentities {
    /// Fulcio's username SAN: an otherName whose value is a UTF8String
    /// (sigstore/fulcio docs/oid-info.md, 1.3.6.1.4.1.57264.1.7).
    static let fulcioUsernameOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 57264, 1, 7]

    /// The text of a Fulcio username SAN, or nil when its value is not a UTF8String of valid
    /// UTF-8. swift-asn1 keeps a UTF8String's bytes unchecked, and `String.init` would turn a
    /// stray byte into U+FFFD, so that `alice\u{FFFD}` in a policy matched a certificate whose
    /// name was never that text.
    static func username(_ other: GeneralName.OtherName) -> String? {
        guard let value = other.value, let text = try? ASN1UTF8String(asn1Any: value) else { return nil }
        return String(validating: text.bytes, as: UTF8.self)
    }

    private static func username(_ other: GeneralName.OtherName, field: String) throws(EntryError) -> String {
        guard let text = username(other) else {
            throw .malformed("\(field): the certificate's username SAN is not a UTF8String of valid UTF-8")
        }
        return text
    }

    /// Every email, URI, DNS name, IP address and Fulcio username in the SAN extension,
    /// lowercased, without duplicates. Other name forms are ignored.
    static func subjectAlternativeNames(of certificate: Certificate, field: String) throws(EntryError) -> [String] {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw .malformed("\(field): the certificate's subjectAltName extension does not parse")
        }
        var identities: [String] = []
        for name in names ?? SubjectAlternativeNames([]) {
            let text: String? = switch name {
            case .rfc822Name(let email): email
            case .uniformResourceIdentifier(let uri): uri
            case .dnsName(let dns): dns
            case .ipAddress(let octets): ipAddressText(Array(octets.bytes))
            case .otherName(let other) where other.typeID == fulcioUsernameOID:
                try username(other, field: field)
            default: nil
            }
            if let text { EntrySearchKeys.append([text.lowercased()], to: &identities) }
        }
        return identities
    }

    /// Dotted-quad IPv4, or IPv6 in RFC 5952 form (lowercase, longest zero run of two or more
    /// groups as `::`, the first on a tie).
    static func ipAddressText(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            var best = (start: -1, length: 0)
            var k = 0
            while k < 8 {
                guard groups[k] == 0 else { k += 1; continue }
                var end = k
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - k > best.length { best = (k, end - k) }
                k = end
            }
            let hex = groups.map { String($0, radix: 16) }
            guard best.length >= 2 else { return hex.joined(separator: ":") }
            let head = hex[..<best.start].joined(separator: ":")
            let tail = hex[(best.start + best.length)...].joined(separator: ":")
            return head + "::" + tail
        default:
            return nil
        }
    }
}
