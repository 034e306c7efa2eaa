import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// Test material shared by the HashedRekord*, DSSE* and SignedEntryTimestamp* tests: vectors made
/// outside Sigil (OpenSSL 3.0 and Python), and keys and certificates built in code.
enum RekorFixtures {
    // MARK: - Vectors made with OpenSSL
    //
    // key:         openssl ecparam -genkey -name prime256v1
    // certificate: openssl req -x509 -subj "/CN=sigil test" -addext "subjectAltName=critical,
    //              email:Alice@Example.com,URI:https://github.com/Example/Repo/.github/workflows/release.yml@refs/heads/main"
    // artifact:    "hello, sigil\n"; signature: openssl dgst -sha256 -sign key.pem artifact
    // DSSE:        PAE of the in-toto statement below, signed with openssl dgst -sha256 -sign
    // Expected bodies: Python json.dumps(sort_keys=True, separators=(",", ":")), which equals JCS
    // for ASCII-only content.

    static let artifactSHA256 = "1adbcc7c868f31cfb2422f0289639dc374516867a77ef68e56c143b58e586f60"
    /// ECDSA P-256 DER signature over the artifact's SHA-256.
    static let signature = "MEMCH2od332TUJFQ60B06YjcRWHuuV74gJqqp4QHbBPkvQkCIGGs65/ZN8bW+Dm1pBuE4Vax7wyiX3A9qxhn42xG4A5K"
    /// base64 of the certificate's PEM text (64-column lines, final newline).
    static let certificate = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUI4akNDQVplZ0F3SUJBZ0lVSytUWlVwYTQ5cXhOWDQybHBUaXRpdEtITVFNd0NnWUlLb1pJemowRUF3SXcKRlRFVE1CRUdBMVVFQXd3S2MybG5hV3dnZEdWemREQWVGdzB5TmpFeE1qVXhOVE00TkRoYUZ3MHpOakV4TWpJeApOVE00TkRoYU1CVXhFekFSQmdOVkJBTU1Dbk5wWjJsc0lIUmxjM1F3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPClBRTUJCd05DQUFSWE1qOEtaOWJpZVF6RGdubW5HbzdtRDBhZnAyQlJSdTBmbXNDN0ZEYUdrMXQ5NEl5d3lPZC8KR1kwQzNWVVlzdVNpU1RNaWUzN2VBbk0xM1NuSnQ2cDdvNEhFTUlIQk1CMEdBMVVkRGdRV0JCUlIrMXlXN3pxcgpjMmVKWGhhdVcrdjVwcEhLdnpBZkJnTlZIU01FR0RBV2dCUlIrMXlXN3pxcmMyZUpYaGF1Vyt2NXBwSEt2ekFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUc0R0ExVWRFUUVCL3dSa01HS0JFVUZzYVdObFFFVjRZVzF3YkdVdVkyOXQKaGsxb2RIUndjem92TDJkcGRHaDFZaTVqYjIwdlJYaGhiWEJzWlM5U1pYQnZMeTVuYVhSb2RXSXZkMjl5YTJacwpiM2R6TDNKbGJHVmhjMlV1ZVcxc1FISmxabk12YUdWaFpITXZiV0ZwYmpBS0JnZ3Foa2pPUFFRREFnTkpBREJHCkFpRUEyUzA0aG5WMzRBVUw5S2FCWmdFVWxFMEZRVlFuVXJpa1pUODZ4MEVRdzEwQ0lRQ2MrMjI3eTZtUlcrYzYKMnhiUTI5MWp1VXpoSXYwRmtJOFp4QmdoYkRNM3d3PT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
    /// base64 of the PUBLIC KEY PEM text of the same key.
    static let publicKey = "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUZrd0V3WUhLb1pJemowQ0FRWUlLb1pJemowREFRY0RRZ0FFVnpJL0NtZlc0bmtNdzRKNXB4cU81ZzlHbjZkZwpVVWJ0SDVyQXV4UTJocE5iZmVDTXNNam5meG1OQXQxVkdMTGtva2t6SW50KzNnSnpOZDBweWJlcWV3PT0KLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg=="
    /// Hex SHA-256 of the key's DER SubjectPublicKeyInfo (openssl pkey -pubin -outform DER | sha256sum).
    static let keyFingerprint = "6353524ea1d08274efee53c471589d5290c642c7f632468ff0f08d1529c42331"
    /// The certificate's SANs, lowercased.
    static let identities = ["alice@example.com", "https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main"]

    static let hashedRekordBody = #"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"\#(artifactSHA256)"}},"signature":{"content":"\#(signature)","publicKey":{"content":"\#(certificate)"}}}}"#

    /// A DSSE envelope (as a client sends it: compact JSON text) over an in-toto statement with
    /// subjects artifact.txt (the artifact's SHA-256) and other.bin (sha256 "AB" × 32 in
    /// uppercase, and a sha512), signed by the same key.
    static let dsseEnvelope = #"{"payload":"eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJuYW1lIjoiYXJ0aWZhY3QudHh0IiwiZGlnZXN0Ijp7InNoYTI1NiI6IjFhZGJjYzdjODY4ZjMxY2ZiMjQyMmYwMjg5NjM5ZGMzNzQ1MTY4NjdhNzdlZjY4ZTU2YzE0M2I1OGU1ODZmNjAifX0seyJuYW1lIjoib3RoZXIuYmluIiwiZGlnZXN0Ijp7InNoYTI1NiI6IkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUJBQkFCQUIiLCJzaGE1MTIiOiJjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZGNkY2RjZCJ9fV0sInByZWRpY2F0ZVR5cGUiOiJodHRwczovL3Nsc2EuZGV2L3Byb3ZlbmFuY2UvdjEiLCJwcmVkaWNhdGUiOnt9fQ==","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"","sig":"MEYCIQCtZDcvvJwtY+/y6w1HbEy+nlk8ogCwZ+AlXWmx27VQXwIhANuY2jSchiTDWDuaOZeE2yKjT9PiIteBjdlaFVT/Va6D"}]}"#
    static let dsseSignature = "MEYCIQCtZDcvvJwtY+/y6w1HbEy+nlk8ogCwZ+AlXWmx27VQXwIhANuY2jSchiTDWDuaOZeE2yKjT9PiIteBjdlaFVT/Va6D"
    static let dsseEnvelopeSHA256 = "864d88fa075ade2a53c4ebd2edc3a269443919b5281099d5c7224c607d730a7f"
    static let dssePayloadSHA256 = "c4b7544e619ad3556287d18f8e5b25049ec62d2796bcea22842eaa0e0116d1c3"
    static let dsseBody = #"{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":"\#(dsseEnvelopeSHA256)"},"payloadHash":{"algorithm":"sha256","value":"\#(dssePayloadSHA256)"},"signatures":[{"signature":"\#(dsseSignature)","verifier":"\#(certificate)"}]}}"#

    // MARK: - Building proposals

    /// A hashedrekord proposal as JSON.
    static func hashedRekordProposal(algorithm: String = "sha256", digest: String = artifactSHA256,
                                     signature: String = signature, publicKey: String = certificate) -> JSONValue {
        [
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": [
                "signature": ["content": .string(signature), "publicKey": ["content": .string(publicKey)]],
                "data": ["hash": ["algorithm": .string(algorithm), "value": .string(digest)]],
            ],
        ]
    }

    /// A dsse proposal as JSON.
    static func dsseProposal(envelope: String = dsseEnvelope, verifiers: [String] = [certificate]) -> JSONValue {
        [
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": ["proposedContent": ["envelope": .string(envelope), "verifiers": .array(verifiers.map { .string($0) })]],
        ]
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    // MARK: - Keys and certificates built in code

    /// A self-signed certificate for `key` with the given SANs (critical), subject CN "sigil test".
    static func selfSignedCertificate(key: P256.Signing.PrivateKey, names: [GeneralName]) throws -> Certificate {
        let name = try DistinguishedName { CommonName("sigil test") }
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now - 60, notValidAfter: now + 600, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(SubjectAlternativeNames(names)) },
            issuerPrivateKey: .init(key))
    }

    /// A root CA and a Fulcio-style leaf (empty subject, critical email SAN) it issued.
    static func certificateChain(leafKey: P256.Signing.PrivateKey, email: String) throws -> (leaf: Certificate, root: Certificate) {
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("sigil test root"); OrganizationName("sigil.example") }
        let now = Date()
        let root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey),
            notValidBefore: now - 60, notValidAfter: now + 86400, issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(rootKey))
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now - 60, notValidAfter: now + 600, issuer: rootName, subject: DistinguishedName(),
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.codeSigning])
                Critical(SubjectAlternativeNames([.rfc822Name(email)]))
            },
            issuerPrivateKey: .init(rootKey))
        return (leaf, root)
    }

    static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }
}

extension JSONValue {
    /// A copy with the member at `path` replaced by `value`, or removed if `value` is nil.
    func replacing(_ path: [String], with value: JSONValue?) -> JSONValue {
        guard case .object(var members) = self, let first = path.first else { return value ?? .null }
        if path.count == 1 {
            members[first] = value
        } else {
            members[first] = (members[first] ?? .object([:])).replacing(Array(path.dropFirst()), with: value)
        }
        return .object(members)
    }

    /// The JSON text of this value (RFC 8785 form).
    var bytes: [UInt8] { CanonicalJSON.encode(self) }
}
