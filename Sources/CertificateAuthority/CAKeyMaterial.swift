import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import X509

/// The CA's certificates and the intermediate's private key: what the CA needs to issue leaves.
/// `sigil-server init` creates them with ``generate(profile:now:)`` and writes the PEMs (keys 0600);
/// the server loads them with ``init(rootPEM:intermediatePEM:intermediateKeyPEM:)`` and refuses to
/// start without them.
public struct CAKeyMaterial: Sendable {
    /// Everything `init` writes to disk. The root key is only needed to make a new intermediate.
    public struct Generated: Sendable {
        public let material: CAKeyMaterial
        /// PKCS#8 PEM of the root's P-384 key. Secret.
        public let rootKeyPEM: String
        /// PKCS#8 PEM of the intermediate key. Secret.
        public let intermediateKeyPEM: String
        public var rootPEM: String { material.rootPEM }
        public var intermediatePEM: String { material.intermediatePEM }
    }

    public let root: Certificate
    public let intermediate: Certificate
    let intermediateKey: Certificate.PrivateKey
    let signatureAlgorithm: Certificate.SignatureAlgorithm
    /// The intermediate's SubjectKeyIdentifier, copied into every leaf's AuthorityKeyIdentifier.
    let intermediateKeyIdentifier: ArraySlice<UInt8>
    /// DER SubjectPublicKeyInfo of the intermediate: its SHA-256 is the CT `issuer_key_hash`.
    public let intermediateSPKI: [UInt8]
    /// Intermediate then root, PEM and DER: encoded once, since every issued chain ends with them.
    public let issuerPEMs: [String]
    let issuerDERs: [[UInt8]]

    /// Loads and cross-checks PEM files: the key must match the intermediate, and the root must
    /// have signed the intermediate.
    public init(rootPEM: String, intermediatePEM: String, intermediateKeyPEM: String) throws {
        let root = try Certificate(pemEncoded: rootPEM)
        let intermediate = try Certificate(pemEncoded: intermediatePEM)
        let key = try Certificate.PrivateKey(pemEncoded: intermediateKeyPEM)
        try self.init(root: root, intermediate: intermediate, intermediateKey: key)
    }

    init(root: Certificate, intermediate: Certificate, intermediateKey: Certificate.PrivateKey) throws {
        guard intermediateKey.publicKey == intermediate.publicKey else {
            throw CAKeyError("the intermediate key does not match the intermediate certificate")
        }
        guard intermediate.issuer == root.subject, root.publicKey.isValidSignature(intermediate.signature, for: intermediate) else {
            throw CAKeyError("the intermediate certificate was not issued by the root")
        }
        guard let ski = try intermediate.extensions.subjectKeyIdentifier else {
            throw CAKeyError("the intermediate certificate has no SubjectKeyIdentifier")
        }
        self.root = root
        self.intermediate = intermediate
        self.intermediateKey = intermediateKey
        intermediateKeyIdentifier = ski.keyIdentifier
        intermediateSPKI = try Self.spki(intermediate.publicKey)
        issuerDERs = try [intermediate, root].map(CertificateIssuer.der)
        issuerPEMs = issuerDERs.map { PEMEncoding.encode($0, label: "CERTIFICATE") }
        signatureAlgorithm = try Self.signatureAlgorithm(for: intermediate.publicKey)
    }

    /// A new root (P-384, self-signed) and intermediate (`profile.intermediateCurve`), both with the
    /// CA profile of sigstore-spec.md §A.8: CN+O subject, critical BasicConstraints CA:TRUE (root
    /// pathlen 1, intermediate 0), critical KeyUsage certSign+crlSign, SKI, and on the intermediate
    /// AKI and non-critical EKU codeSigning (for EKU chaining).
    public static func generate(profile: CertificateProfile = .init(), now: Date = Date()) throws -> Generated {
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) - 60)
        let rootKey = P384.Signing.PrivateKey()
        let rootName = try DistinguishedName {
            CommonName(profile.root.commonName)
            OrganizationName(profile.root.organization)
        }
        let rootPublic = Certificate.PublicKey(rootKey.publicKey)
        let rootSKI = SubjectKeyIdentifier(hash: rootPublic)
        let root = try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: rootPublic,
            notValidBefore: start, notValidAfter: start + Double(profile.root.validityDays) * 86_400,
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                rootSKI
            },
            issuerPrivateKey: .init(rootKey))

        let (material, intermediateKeyPEM) = try issueIntermediate(root: root, rootKey: rootKey, profile: profile, now: now)
        return Generated(material: material, rootKeyPEM: rootKey.pemRepresentation, intermediateKeyPEM: intermediateKeyPEM)
    }

    /// A new intermediate under an existing root, for rotation: the root key signs it, nothing else
    /// changes. Returns the material the CA loads and the new intermediate key's PEM.
    public static func rotateIntermediate(rootPEM: String, rootKeyPEM: String, profile: CertificateProfile,
                                          now: Date = Date()) throws -> (material: CAKeyMaterial, intermediateKeyPEM: String) {
        let root = try Certificate(pemEncoded: rootPEM)
        let rootKey = try P384.Signing.PrivateKey(pemRepresentation: rootKeyPEM)
        guard Certificate.PublicKey(rootKey.publicKey) == root.publicKey else {
            throw CAKeyError("the root key does not belong to the root certificate")
        }
        return try issueIntermediate(root: root, rootKey: rootKey, profile: profile, now: now)
    }

    private static func issueIntermediate(root: Certificate, rootKey: P384.Signing.PrivateKey, profile: CertificateProfile,
                                          now: Date) throws -> (material: CAKeyMaterial, intermediateKeyPEM: String) {
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) - 60)
        let rootSKI = SubjectKeyIdentifier(hash: root.publicKey)
        let rootName = root.subject
        let intermediateKey: Certificate.PrivateKey
        let intermediateKeyPEM: String
        switch profile.intermediateCurve {
        case .p256:
            let key = P256.Signing.PrivateKey()
            (intermediateKey, intermediateKeyPEM) = (.init(key), key.pemRepresentation)
        case .p384:
            let key = P384.Signing.PrivateKey()
            (intermediateKey, intermediateKeyPEM) = (.init(key), key.pemRepresentation)
        }
        let intermediateName = try DistinguishedName {
            CommonName(profile.intermediate.commonName)
            OrganizationName(profile.intermediate.organization)
        }
        let intermediate = try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: intermediateKey.publicKey,
            notValidBefore: start, notValidAfter: start + Double(profile.intermediate.validityDays) * 86_400,
            issuer: rootName, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                try ExtendedKeyUsage([.codeSigning])
                SubjectKeyIdentifier(hash: intermediateKey.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: rootSKI.keyIdentifier)
            },
            issuerPrivateKey: .init(rootKey))
        return (try CAKeyMaterial(root: root, intermediate: intermediate, intermediateKey: intermediateKey), intermediateKeyPEM)
    }

    /// PEM of the root certificate, with a final newline.
    public var rootPEM: String { issuerPEMs[1] }
    /// PEM of the intermediate certificate, with a final newline.
    public var intermediatePEM: String { issuerPEMs[0] }

    static func spki(_ key: Certificate.PublicKey) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(key)
        return serializer.serializedBytes
    }

    /// ECDSA with the hash matching the curve; the CA keys are P-256 or P-384 (DESIGN.md §5).
    static func signatureAlgorithm(for key: Certificate.PublicKey) throws -> Certificate.SignatureAlgorithm {
        if P256.Signing.PublicKey(key) != nil { return .ecdsaWithSHA256 }
        if P384.Signing.PublicKey(key) != nil { return .ecdsaWithSHA384 }
        throw CAKeyError("CA keys must be ECDSA P-256 or P-384")
    }
}

/// A CA key or certificate file that can't be used.
public struct CAKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
