import SwiftASN1

/// The value of the X.509 extension 1.3.6.1.4.1.11129.2.4.2 (RFC 6962 §3.3): a DER OCTET STRING
/// holding the TLS `SignedCertificateTimestampList` (u16 total length, then u16-length SCTs).
public struct SignedCertificateTimestampList: Sendable, Hashable {
    /// The embedded-SCT extension OID.
    public static let extensionOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 11129, 2, 4, 2]
    /// The precertificate poison extension OID (critical, value ASN.1 NULL).
    public static let poisonOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 11129, 2, 4, 3]

    public var timestamps: [SignedCertificateTimestamp]

    public init(_ timestamps: [SignedCertificateTimestamp]) { self.timestamps = timestamps }

    /// Decodes an extension value (the DER OCTET STRING). An empty list, an empty SCT or any
    /// trailing byte is rejected.
    public init(extensionValue: some Collection<UInt8>) throws(CTError) {
        let octets: ASN1OctetString
        do {
            octets = try ASN1OctetString(derEncoded: Array(extensionValue))
        } catch {
            throw CTError("SCT list extension is not a DER OCTET STRING")
        }
        try self.init(tlsEncoded: Array(octets.bytes))
    }

    /// Decodes the TLS `SignedCertificateTimestampList` without the OCTET STRING wrapper.
    public init(tlsEncoded bytes: [UInt8]) throws(CTError) {
        var outer = TLSReader(bytes)
        let list = try outer.vector(lengthWidth: 2, "SCT list")
        guard outer.isAtEnd else { throw CTError("SCT list has trailing bytes") }
        var reader = TLSReader(list)
        var result: [SignedCertificateTimestamp] = []
        while !reader.isAtEnd {
            let one = try reader.vector(lengthWidth: 2, "SCT")
            guard !one.isEmpty else { throw CTError("SCT list holds an empty SCT") }
            result.append(try SignedCertificateTimestamp(tlsEncoded: one))
        }
        guard !result.isEmpty else { throw CTError("SCT list is empty") }
        timestamps = result
    }

    /// The TLS encoding without the OCTET STRING wrapper.
    public func tlsEncoded() throws(CTError) -> [UInt8] {
        var inner = TLSWriter()
        for sct in timestamps { try inner.vector(try sct.tlsEncoded(), lengthWidth: 2, "SCT") }
        var outer = TLSWriter()
        try outer.vector(inner.bytes, lengthWidth: 2, "SCT list")
        return outer.bytes
    }

    /// The extension value: the TLS list wrapped in a DER OCTET STRING.
    public func extensionValue() throws(CTError) -> [UInt8] {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(ASN1OctetString(contentBytes: ArraySlice(try tlsEncoded())))
        } catch let error as CTError {
            throw error
        } catch {
            throw CTError("SCT list does not encode as DER")
        }
        return serializer.serializedBytes
    }
}
