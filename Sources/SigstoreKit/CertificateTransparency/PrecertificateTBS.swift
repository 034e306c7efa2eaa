import SwiftASN1
import X509

/// Derives the TBSCertificate a CT log signed for a precertificate entry (RFC 6962 §3.2):
/// the certificate's TBSCertificate DER with one extension removed and everything else —
/// field order, extension order, encodings — left byte-for-byte as it was.
public enum PrecertificateTBS {
    /// From a final certificate: removes the embedded SCT list (1.3.6.1.4.1.11129.2.4.2).
    public static func fromFinalCertificate(_ certificate: Certificate) throws(CTError) -> [UInt8] {
        try removingExtension(SignedCertificateTimestampList.extensionOID, fromTBS: certificate.tbsCertificateBytes)
    }

    /// From a precertificate: removes the poison extension (1.3.6.1.4.1.11129.2.4.3).
    public static func fromPrecertificate(_ certificate: Certificate) throws(CTError) -> [UInt8] {
        try removingExtension(SignedCertificateTimestampList.poisonOID, fromTBS: certificate.tbsCertificateBytes)
    }

    /// Re-encodes `tbsDER` without the extension `oid`, which must occur exactly once. When it
    /// was the only extension, the `[3] extensions` field is dropped (RFC 5280 forbids an empty one).
    public static func removingExtension(_ oid: ASN1ObjectIdentifier, fromTBS tbsDER: some Collection<UInt8>) throws(CTError) -> [UInt8] {
        do {
            return try rewrite(Array(tbsDER), removing: oid)
        } catch let error as CTError {
            throw error
        } catch {
            throw CTError("TBSCertificate is not valid DER: \(error)")
        }
    }

    private static let extensionsTag = ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)

    private static func rewrite(_ tbs: [UInt8], removing oid: ASN1ObjectIdentifier) throws -> [UInt8] {
        let root = try DER.parse(tbs)
        guard root.identifier == .sequence, case .constructed(let fields) = root.content else {
            throw CTError("TBSCertificate is not a SEQUENCE")
        }
        var removed = 0
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            for field in fields {
                guard field.identifier == extensionsTag else {
                    coder.serialize(field)
                    continue
                }
                let kept = try keptExtensions(field, removing: oid, removed: &removed)
                guard !kept.isEmpty else { continue }
                try coder.appendConstructedNode(identifier: extensionsTag) { explicit in
                    try explicit.appendConstructedNode(identifier: .sequence) { list in
                        for ext in kept { list.serialize(ext) }
                    }
                }
            }
        }
        guard removed == 1 else {
            throw CTError(removed == 0 ? "certificate has no extension \(oid)" : "certificate has extension \(oid) \(removed) times")
        }
        return serializer.serializedBytes
    }

    /// The `Extension` nodes inside `[3] EXPLICIT SEQUENCE OF Extension` whose `extnID` is not `oid`.
    private static func keptExtensions(_ field: ASN1Node, removing oid: ASN1ObjectIdentifier, removed: inout Int) throws -> [ASN1Node] {
        guard case .constructed(let wrapper) = field.content, let list = wrapper.first(where: { _ in true }),
              list.identifier == .sequence, case .constructed(let extensions) = list.content
        else { throw CTError("TBSCertificate extensions are malformed") }
        var kept: [ASN1Node] = []
        for ext in extensions {
            guard case .constructed(let parts) = ext.content, let idNode = parts.first(where: { _ in true }) else {
                throw CTError("TBSCertificate extension is malformed")
            }
            if try ASN1ObjectIdentifier(derEncoded: idNode) == oid { removed += 1 } else { kept.append(ext) }
        }
        return kept
    }
}
