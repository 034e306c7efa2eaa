import SwiftASN1
import X509

/// One CMS `SignerInfo` (RFC 5652 §5.3), reduced to what timestamp verification needs.
struct CMSSignerInfo {
    /// How the signer names its certificate (RFC 5652 §5.3 `SignerIdentifier`).
    enum SignerID {
        case issuerAndSerial(issuerDER: [UInt8], serial: [UInt8])
        case subjectKeyIdentifier([UInt8])
    }

    let signerID: SignerID
    let digestAlgorithm: HashAlgorithm
    /// `signedAttrs` re-tagged as `SET OF` (0x31): the bytes the signature covers (RFC 5652 §5.4).
    let signedAttributesDER: [UInt8]
    let contentTypeAttribute: ASN1ObjectIdentifier
    let messageDigestAttribute: [UInt8]
    let signatureHash: HashAlgorithm?
    let signature: [UInt8]

    init(_ node: ASN1Node) throws(TimestampError) {
        var reader = try ASN1Reader(node, "SignerInfo")
        _ = try reader.decode(Int.self, "version")
        let sid = try reader.next("sid")
        signerID = try Self.signerID(sid)
        let digestOID = try algorithmOID(try reader.next("digestAlgorithm"), "SignerInfo digestAlgorithm")
        guard let digest = TimestampOID.hash(digestOID) else { throw TimestampError("SignerInfo digest algorithm \(digestOID) is not supported") }
        digestAlgorithm = digest
        guard let attributes = reader.optional(.context(0)) else {
            throw TimestampError("SignerInfo has no signed attributes")
        }
        var retagged = Array(attributes.encodedBytes)
        retagged[0] = 0x31
        signedAttributesDER = retagged
        (contentTypeAttribute, messageDigestAttribute) = try Self.readAttributes(attributes)
        signatureHash = TimestampOID.signatureHash(try algorithmOID(try reader.next("signatureAlgorithm"), "SignerInfo signatureAlgorithm"))
        signature = Array(try reader.decode(ASN1OctetString.self, "signature").bytes)
    }

    private static func signerID(_ sid: ASN1Node) throws(TimestampError) -> SignerID {
        if sid.identifier == .context(0), case .primitive(let ski) = sid.content {
            return .subjectKeyIdentifier(Array(ski))
        }
        var reader = try ASN1Reader(sid, "SignerInfo sid")
        let issuer = try reader.next("issuer")
        let serial = try reader.next("serialNumber")
        guard serial.identifier == .integer, case .primitive(let bytes) = serial.content else {
            throw TimestampError("SignerInfo sid serialNumber is malformed")
        }
        return .issuerAndSerial(issuerDER: Array(issuer.encodedBytes), serial: Array(bytes))
    }

    /// Reads the content-type and message-digest attributes (RFC 5652 §11.1, §11.2); both must be
    /// present exactly once, each with exactly one value.
    private static func readAttributes(_ node: ASN1Node) throws(TimestampError) -> (ASN1ObjectIdentifier, [UInt8]) {
        guard case .constructed(let attributes) = node.content else { throw TimestampError("signed attributes are malformed") }
        var contentType: [ASN1ObjectIdentifier] = []
        var digest: [[UInt8]] = []
        for attribute in attributes {
            var reader = try ASN1Reader(attribute, "signed attribute")
            let type = try reader.decode(ASN1ObjectIdentifier.self, "attrType")
            let values = try reader.next("attrValues")
            guard values.identifier == .set, case .constructed(let list) = values.content else {
                throw TimestampError("signed attribute \(type) values are not a SET")
            }
            let all = Array(list)
            switch type {
            case TimestampOID.contentType:
                guard all.count == 1, let oid = try? ASN1ObjectIdentifier(berEncoded: all[0]) else {
                    throw TimestampError("content-type attribute is malformed")
                }
                contentType.append(oid)
            case TimestampOID.messageDigest:
                guard all.count == 1, let octets = try? ASN1OctetString(berEncoded: all[0]) else {
                    throw TimestampError("message-digest attribute is malformed")
                }
                digest.append(Array(octets.bytes))
            default:
                continue
            }
        }
        guard contentType.count == 1 else { throw TimestampError("signed attributes need exactly one content-type attribute") }
        guard digest.count == 1 else { throw TimestampError("signed attributes need exactly one message-digest attribute") }
        return (contentType[0], digest[0])
    }

    /// Whether `certificate` is the one `signerID` names.
    func names(_ certificate: Certificate) -> Bool {
        switch signerID {
        case .issuerAndSerial(let issuerDER, let serial):
            var serializer = DER.Serializer()
            guard (try? serializer.serialize(certificate.issuer)) != nil else { return false }
            return serializer.serializedBytes == issuerDER && Self.sameInteger(Array(certificate.serialNumber.bytes), serial)
        case .subjectKeyIdentifier(let ski):
            guard let ext = try? certificate.extensions.subjectKeyIdentifier else { return false }
            return Array(ext.keyIdentifier) == ski
        }
    }

    /// Compares two big-endian integers ignoring DER's leading-zero sign byte.
    private static func sameInteger(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.drop(while: { $0 == 0 }).elementsEqual(b.drop(while: { $0 == 0 }))
    }
}
