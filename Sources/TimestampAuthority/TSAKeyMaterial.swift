import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import X509

/// The TSA's certificate chain and signing key. `sigil-server init` and `rotate tsa` make a new
/// chain with ``generate(now:)``: a self-signed P-384 root, a P-384 intermediate carrying the
/// timeStamping EKU (Sigstore verifiers enforce EKU chaining), and a P-256 leaf that is not a CA,
/// with KeyUsage digitalSignature and exactly one EKU, timeStamping, both critical. Only the
/// leaf's key is kept: the root and intermediate keys sign once and are dropped, so a rotation
/// makes a whole new chain.
///
/// The leaf is P-256 with SHA-256, not Sigstore's default P-384: P-384 signing runs at about
/// 1,100/s per core on the project machine, too slow for 4,000 timestamps/s on two cores; P-256
/// signs at about 40,000/s. Every Sigstore verifier accepts both.
public struct TSAKeyMaterial: Sendable {
    /// The leaf's subject, also the trusted root's `subject` for the TSA.
    public static let leafCommonName = "Sigil Timestamp Authority"
    public static let organization = "sigil.dev"

    /// Leaf, intermediate, root.
    public let chain: [Certificate]
    public let key: TimestampSigningKey

    public init(chain: [Certificate], key: TimestampSigningKey) {
        self.chain = chain
        self.key = key
    }

    /// Loads `chain.pem` (leaf first) and the signing key's PEM.
    public init(chainPEM: String, keyPEM: String) throws {
        let blocks = try PEMDecoding.blocks(in: chainPEM)
        guard blocks.allSatisfy({ $0.label == "CERTIFICATE" }) else { throw TimestampSignerError("the TSA chain file holds something other than certificates") }
        let certificates = try blocks.map { try Certificate(derEncoded: $0.der) }
        self.init(chain: certificates, key: try TimestampSigningKey(pem: keyPEM))
    }

    /// The chain as PEM, leaf first.
    public var chainPEM: String {
        chain.map { certificate in
            var serializer = DER.Serializer()
            try! serializer.serialize(certificate)   // a certificate we hold always re-serializes
            return PEMEncoding.encode(serializer.serializedBytes, label: "CERTIFICATE")
        }.joined()
    }

    /// A signer for this material, checking the chain's profile.
    public func signer(policy: TimestampPolicy = .init()) throws -> TimestampSigner {
        try TimestampSigner(chain: chain, key: key, policy: policy)
    }

    /// A new chain and leaf key, valid for ten years from a minute before `now`.
    public static func generate(now: Date = Date()) throws -> TSAKeyMaterial {
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) - 60)
        let end = start + 3650 * 86_400
        let rootKey = P384.Signing.PrivateKey(), intermediateKey = P384.Signing.PrivateKey(), leafKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("Sigil TSA Root"); OrganizationName(organization) }
        let intermediateName = try DistinguishedName { CommonName("Sigil TSA Intermediate"); OrganizationName(organization) }
        let leafName = try DistinguishedName { CommonName(leafCommonName); OrganizationName(organization) }
        let rootPublic = Certificate.PublicKey(rootKey.publicKey)
        let intermediatePublic = Certificate.PublicKey(intermediateKey.publicKey)
        let leafPublic = Certificate.PublicKey(leafKey.publicKey)
        let root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: rootPublic, notValidBefore: start, notValidAfter: end,
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: rootPublic)
            },
            issuerPrivateKey: .init(rootKey))
        let intermediate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: intermediatePublic, notValidBefore: start, notValidAfter: end,
            issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                try ExtendedKeyUsage([.timeStamping])
                SubjectKeyIdentifier(hash: intermediatePublic)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: rootPublic).keyIdentifier)
            },
            issuerPrivateKey: .init(rootKey))
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: leafPublic, notValidBefore: start, notValidAfter: end,
            issuer: intermediateName, subject: leafName, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                Critical(try ExtendedKeyUsage([.timeStamping]))
                SubjectKeyIdentifier(hash: leafPublic)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: intermediatePublic).keyIdentifier)
            },
            issuerPrivateKey: .init(intermediateKey))
        return TSAKeyMaterial(chain: [leaf, intermediate, root], key: TimestampSigningKey(p256: leafKey))
    }
}
