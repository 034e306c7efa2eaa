import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// Builds valid Rekor v1 proposed entries for tests, signed with a key the test controls.
public struct TestSigner: Sendable {
    public let key: P256.Signing.PrivateKey
    /// The certificate to put in entries instead of the bare key, if any.
    public let certificate: Certificate?

    public init(key: P256.Signing.PrivateKey = .init(), email: String? = nil) {
        self.key = key
        if let email {
            certificate = try! TestCertificates.selfSigned(key: key, email: email)
        } else {
            certificate = nil
        }
    }

    /// PEM of what the entry carries: the certificate, or the public key.
    public var publicKeyPEM: String {
        if let certificate { return try! certificate.serializeAsPEM().pemString + "\n" }
        return key.publicKey.pemRepresentation + "\n"
    }

    /// A hashedrekord 0.0.1 proposed entry for `artifact`.
    public func hashedRekord(artifact: some DataProtocol) -> [UInt8] {
        let digest = SHA256.hash(data: artifact)
        let signature = try! key.signature(for: digest).derRepresentation
        return ProposedEntries.hashedRekord(signature: Array(signature), publicKeyPEM: publicKeyPEM, digest: Array(digest))
    }

    /// A Rekor v2 `CreateEntry` request (hashedrekord 0.0.2) for `artifact`, as sigstore-python
    /// builds it: the certificate as verifier when there is one, else the public key.
    public func hashedRekordV002Request(artifact: some DataProtocol) -> [UInt8] {
        let digest = SHA256.hash(data: artifact)
        let signature = try! key.signature(for: digest).derRepresentation
        let verifier: HashedRekordV002.Verifier = certificate.map { .x509Certificate(der: TestCA.der($0)) }
            ?? .publicKey(der: Array(key.publicKey.derRepresentation))
        let entry = try! HashedRekordV002(digest: Array(digest), signature: Array(signature), verifier: verifier, keyDetails: .ecdsaP256SHA256)
        return CanonicalJSON.encode(entry.requestJSON)
    }

    /// An in-toto attestation about `subjects` (name → SHA-256 digest) in a DSSE envelope signed
    /// by this signer, and the hashedrekord 0.0.2 a Rekor v2 log records for it (over the PAE).
    public func attestation(subjects: [(String, [UInt8])], payloadType: String = InTotoStatement.payloadType)
        -> (envelope: DSSEEnvelope, loggedAs: HashedRekordV002) {
        let statement = try! InTotoStatement(subjects: subjects.map { InTotoStatement.Subject(name: $0.0, sha256: $0.1) },
                                             predicateType: "https://slsa.dev/provenance/v1", predicate: ["builder": ["id": "test"]])
        let unsigned = DSSEEnvelope(payloadType: payloadType, payload: statement.encoded, signatures: [])
        let pae = unsigned.preAuthenticationEncoding
        let signature = Array(try! key.signature(for: pae).derRepresentation)
        let envelope = DSSEEnvelope(payloadType: payloadType, payload: statement.encoded, signatures: [.init(signature: signature)])
        let verifier: HashedRekordV002.Verifier = certificate.map { .x509Certificate(der: TestCA.der($0)) }
            ?? .publicKey(der: Array(key.publicKey.derRepresentation))
        let entry = try! HashedRekordV002(digest: Array(SHA256.hash(data: pae)), signature: signature, verifier: verifier,
                                          keyDetails: .ecdsaP256SHA256)
        return (envelope, entry)
    }

    /// The `dsseRequestV002` for ``attestation(subjects:payloadType:)``'s envelope.
    public func dsseV002Request(subjects: [(String, [UInt8])], payloadType: String = InTotoStatement.payloadType) -> [UInt8] {
        let (envelope, entry) = attestation(subjects: subjects, payloadType: payloadType)
        return CanonicalJSON.encode(RekorV2EntryRequest.dsseRequestJSON(envelope: envelope, loggedAs: entry))
    }

    /// A hashedrekord entry for a random artifact; returns the artifact too.
    public func randomHashedRekord() -> (artifact: [UInt8], entry: [UInt8]) {
        let artifact = (0..<32).map { _ in UInt8.random(in: 0...255) }
        return (artifact, hashedRekord(artifact: artifact))
    }
}

/// Test certificates built in code.
public enum TestCertificates {
    /// A self-signed leaf with an email SAN, enough for entries that carry a certificate.
    public static func selfSigned(key: P256.Signing.PrivateKey, email: String) throws -> Certificate {
        let now = Date()
        let name = try DistinguishedName { CommonName("sigil test") }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 60, notValidAfter: now + 600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.codeSigning])
                SubjectAlternativeNames([.rfc822Name(email)])
            },
            issuerPrivateKey: .init(key))
    }
}

/// Temporary folders that remove themselves.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A two-level test CA (root → intermediate) that issues Fulcio-shaped precertificates.
public struct TestCA: Sendable {
    public let rootKey = P256.Signing.PrivateKey()
    public let intermediateKey = P256.Signing.PrivateKey()
    public let root: Certificate
    public let intermediate: Certificate

    public init() {
        let now = Date()
        let rootName = try! DistinguishedName { OrganizationName("sigil test"); CommonName("test root") }
        let intermediateName = try! DistinguishedName { OrganizationName("sigil test"); CommonName("test intermediate") }
        root = try! Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try! Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        intermediate = try! Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: rootName, subject: intermediateName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try! Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
    }

    /// A leaf precertificate (critical poison extension) for `email`, issued by the intermediate.
    public func precertificate(email: String = "alice@example.com", poison: Bool = true) -> Certificate {
        let now = Date()
        let leafKey = P256.Signing.PrivateKey()
        return try! Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now - 1, notValidAfter: now + 600, issuer: intermediate.subject, subject: DistinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try! Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.codeSigning])
                Critical(SubjectAlternativeNames([.rfc822Name(email)]))
                if poison { Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 11129, 2, 4, 3], critical: true, value: [0x05, 0x00]) }
            },
            issuerPrivateKey: .init(intermediateKey))
    }

    /// DER of a certificate.
    public static func der(_ certificate: Certificate) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
