import SwiftASN1

/// Writes the RFC 5652 CMS `ContentInfo` holding a `SignedData` over a TSTInfo: the token of
/// RFC 3161 §2.4.2. One signer, named by issuer and serial number (version 1 SignerInfo), with
/// signed attributes content-type (id-ct-TSTInfo), message-digest and the RFC 5816 ESS
/// signing-certificate-v2 naming the TSA certificate.
///
/// ```
/// ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
/// SignedData ::= SEQUENCE { version 3, digestAlgorithms SET OF AlgorithmIdentifier,
///    encapContentInfo SEQUENCE { eContentType id-ct-TSTInfo, eContent [0] EXPLICIT OCTET STRING },
///    certificates [0] IMPLICIT CertificateSet OPTIONAL, signerInfos SET OF SignerInfo }
/// SignerInfo ::= SEQUENCE { version 1, sid IssuerAndSerialNumber, digestAlgorithm,
///    signedAttrs [0] IMPLICIT SET OF Attribute, signatureAlgorithm, signature OCTET STRING }
/// ```
struct CMSSignedDataEncoder {
    /// The signer's `IssuerAndSerialNumber`, DER.
    let issuerAndSerial: [UInt8]
    /// The signing-certificate-v2 `Attribute`, DER: fixed per certificate, so encoded once.
    let signingCertificateAttribute: [UInt8]
    /// The `[0] IMPLICIT CertificateSet` with the TSA certificate, DER, for requests with certReq.
    let certificatesField: [UInt8]
    let key: TimestampSigningKey

    init(leafDER: [UInt8], issuerDER: [UInt8], serial: [UInt8], key: TimestampSigningKey) throws {
        self.key = key
        var sid = DER.Serializer()
        sid.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(issuerDER)
            DERInteger.append(serial, to: &coder)
        }
        issuerAndSerial = sid.serializedBytes
        signingCertificateAttribute = try Self.signingCertificateV2(leafDER: leafDER, issuerDER: issuerDER, serial: serial)
        var certificates = DER.Serializer()
        certificates.appendConstructedNode(identifier: .context(0)) { $0.serializeRawBytes(leafDER) }
        certificatesField = certificates.serializedBytes
    }

    /// `Attribute { id-aa-signingCertificateV2, SET { SigningCertificateV2 { SEQUENCE OF ESSCertIDv2 } } }`
    /// with one `ESSCertIDv2 { certHash SHA-256(cert), issuerSerial { GeneralNames { [4] Name }, serial } }`;
    /// the hash algorithm is SHA-256, the DEFAULT, so it is left out (RFC 5035 §5.4.1.1).
    static func signingCertificateV2(leafDER: [UInt8], issuerDER: [UInt8], serial: [UInt8]) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(TimestampOID.signingCertificateV2)
            try attribute.appendConstructedNode(identifier: .set) { values in
                try values.appendConstructedNode(identifier: .sequence) { signingCertificate in
                    try signingCertificate.appendConstructedNode(identifier: .sequence) { certs in
                        try certs.appendConstructedNode(identifier: .sequence) { certID in
                            try certID.serialize(ASN1OctetString(contentBytes: HashAlgorithm.sha256.digest(leafDER)[...]))
                            certID.appendConstructedNode(identifier: .sequence) { issuerSerial in
                                issuerSerial.appendConstructedNode(identifier: .sequence) { generalNames in
                                    generalNames.appendConstructedNode(identifier: .context(4)) { $0.serializeRawBytes(issuerDER) }
                                }
                                DERInteger.append(serial, to: &issuerSerial)
                            }
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// The DER `ContentInfo` signing `tstInfo`; the certificate is embedded when `embedCertificate`.
    func encode(tstInfo: [UInt8], embedCertificate: Bool) throws -> [UInt8] {
        let digest = key.digestAlgorithm
        let attributes = try signedAttributes(tstInfoDigest: digest.digest(tstInfo))
        // RFC 5652 §5.4: the signature covers the attributes' DER with the SET OF tag, 0x31.
        let signature = try key.sign(Self.tagged(0x31, attributes))
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { contentInfo in
            try contentInfo.serialize(TimestampOID.signedData)
            try contentInfo.appendConstructedNode(identifier: .context(0)) { explicit in
                try explicit.appendConstructedNode(identifier: .sequence) { signedData in
                    try signedData.serialize(3)
                    try signedData.appendConstructedNode(identifier: .set) { try Self.algorithm(TimestampOID.oid(digest), into: &$0) }
                    try signedData.appendConstructedNode(identifier: .sequence) { encap in
                        try encap.serialize(TimestampOID.tstInfo)
                        try encap.appendConstructedNode(identifier: .context(0)) {
                            try $0.serialize(ASN1OctetString(contentBytes: tstInfo[...]))
                        }
                    }
                    if embedCertificate { signedData.serializeRawBytes(certificatesField) }
                    try signedData.appendConstructedNode(identifier: .set) { signerInfos in
                        try signerInfos.appendConstructedNode(identifier: .sequence) { signerInfo in
                            try signerInfo.serialize(1)
                            signerInfo.serializeRawBytes(issuerAndSerial)
                            try Self.algorithm(TimestampOID.oid(digest), into: &signerInfo)
                            signerInfo.serializeRawBytes(Self.tagged(0xA0, attributes))
                            try Self.algorithm(key.signatureAlgorithm, into: &signerInfo)
                            try signerInfo.serialize(ASN1OctetString(contentBytes: signature[...]))
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// The content octets of the signed attributes: each attribute's DER, in DER `SET OF` order.
    private func signedAttributes(tstInfoDigest: [UInt8]) throws -> [UInt8] {
        var contentType = DER.Serializer()
        try contentType.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(TimestampOID.contentType)
            try attribute.appendConstructedNode(identifier: .set) { try $0.serialize(TimestampOID.tstInfo) }
        }
        var messageDigest = DER.Serializer()
        try messageDigest.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(TimestampOID.messageDigest)
            try attribute.appendConstructedNode(identifier: .set) { try $0.serialize(ASN1OctetString(contentBytes: tstInfoDigest[...])) }
        }
        let sorted = [contentType.serializedBytes, messageDigest.serializedBytes, signingCertificateAttribute].sorted(by: Self.setOrder)
        return sorted.flatMap { $0 }
    }

    /// X.690 §11.6: SET OF elements ascend as octet strings, the shorter padded with zeros.
    static func setOrder(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            if x != y { return x < y }
        }
        return false
    }

    /// `AlgorithmIdentifier` with its parameters absent (RFC 5754 §2 for SHA-2, RFC 5758 §3.2 for ECDSA).
    private static func algorithm(_ oid: ASN1ObjectIdentifier, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(oid) }
    }

    /// `content` under a one-byte tag with a DER length.
    static func tagged(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var bytes = [tag]
        let length = content.count
        if length < 0x80 {
            bytes.append(UInt8(length))
        } else {
            let lengthBytes = withUnsafeBytes(of: UInt64(length).bigEndian, Array.init).drop(while: { $0 == 0 })
            bytes.append(0x80 | UInt8(lengthBytes.count))
            bytes += lengthBytes
        }
        return bytes + content
    }
}
