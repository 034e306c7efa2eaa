import Foundation
import SigstoreKit
import SwiftASN1
import X509

/// Builds the leaf in its two forms (sigstore-spec.md §A.8–A.9, interop §4.4): the precertificate
/// (with the critical CT poison extension) and the final certificate (poison replaced by the SCT
/// list). Both share serial, validity and the other extensions in the same order, so the precert
/// TBS without poison equals the final TBS without the SCT list — what the SCT signs.
struct LeafCertificateBuilder {
    let keys: CAKeyMaterial
    let identity: IssuedIdentity
    let publicKey: Certificate.PublicKey
    let serialNumber: Certificate.SerialNumber
    let notBefore: Date
    let notAfter: Date
    /// The extensions both forms share, made once: the SKI hashes the key's encoding, which
    /// swift-certificates rebuilds from the parsed point each time (a field inversion per call).
    private let shared: [Certificate.Extension]

    /// `now` is floored to a whole second: swift-certificates rounds to the nearest second, which
    /// could otherwise put notBefore up to 0.5 s in the future and make fresh certificates "not yet valid".
    init(keys: CAKeyMaterial, identity: IssuedIdentity, publicKey: Certificate.PublicKey,
         serialNumber: Certificate.SerialNumber, now: Date, lifetime: TimeInterval) throws {
        self.keys = keys
        self.identity = identity
        self.publicKey = publicKey
        self.serialNumber = serialNumber
        notBefore = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let latest = keys.intermediate.notValidAfter
        // A leaf must not outlive its issuer.
        notAfter = min(notBefore.addingTimeInterval(lifetime), latest)
        shared = try Self.baseExtensions(keys: keys, identity: identity, publicKey: publicKey)
    }

    static let poison = Certificate.Extension(oid: SignedCertificateTimestampList.poisonOID, critical: true, value: [0x05, 0x00])

    func precertificate() throws -> Certificate {
        try sign(extensions: shared + [Self.poison])
    }

    func finalCertificate(embedding scts: SignedCertificateTimestampList) throws -> Certificate {
        let value = try scts.extensionValue()
        let sctExtension = Certificate.Extension(oid: SignedCertificateTimestampList.extensionOID, critical: false, value: value[...])
        return try sign(extensions: shared + [sctExtension])
    }

    private func sign(extensions: [Certificate.Extension]) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: serialNumber, publicKey: publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: keys.intermediate.subject, subject: DistinguishedName(),
            signatureAlgorithm: keys.signatureAlgorithm,
            extensions: try Certificate.Extensions(extensions),
            issuerPrivateKey: keys.intermediateKey)
    }

    /// KeyUsage (critical), EKU codeSigning (non-critical: sigstore-python rejects a critical one),
    /// SKI, AKI, the single SAN (critical because the subject is empty, RFC 5280 §4.2.1.6), then
    /// the Fulcio OIDs: Fulcio's order, which is Go's `x509.CreateCertificate` order.
    ///
    /// The SKI is RFC 5280 §4.2.1.2 method (1), SHA-1 of the subjectPublicKey BIT STRING, as Go
    /// computes it for Fulcio's leaves; tools that index certificates by key (and path builders
    /// that match a key identifier) find our leaves the same way.
    static func baseExtensions(keys: CAKeyMaterial, identity: IssuedIdentity, publicKey: Certificate.PublicKey) throws -> [Certificate.Extension] {
        var extensions = [
            try Certificate.Extension(KeyUsage(digitalSignature: true), critical: true),
            try Certificate.Extension(ExtendedKeyUsage([.codeSigning]), critical: false),
            try Certificate.Extension(SubjectKeyIdentifier(hash: publicKey), critical: false),
            try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keys.intermediateKeyIdentifier), critical: false),
            try Certificate.Extension(SubjectAlternativeNames([identity.subjectAlternativeName]), critical: true),
        ]
        for (kind, value) in identity.extensions {
            extensions.append(Certificate.Extension(oid: kind.oid, critical: false, value: try encode(kind, value)[...]))
        }
        return extensions
    }

    /// .1.1–.1.6 are the raw UTF-8 bytes (Fulcio's deprecated encoding, still read by sigstore-python
    /// for .1.1); .1.8 and later a DER UTF8String.
    static func encode(_ kind: FulcioExtension, _ value: String) throws -> [UInt8] {
        if kind.rawValue <= 6 { return Array(value.utf8) }
        var serializer = DER.Serializer()
        try serializer.serialize(ASN1UTF8String(value))
        return serializer.serializedBytes
    }
}
