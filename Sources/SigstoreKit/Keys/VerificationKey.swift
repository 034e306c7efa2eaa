import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509
import WireFormat

/// A public key that verifies Sigstore signatures: log checkpoints and SETs, artifact signatures,
/// SCTs. It keeps the DER SubjectPublicKeyInfo it was read from, because Sigstore identifies keys by
/// the SHA-256 of exactly those bytes.
public struct VerificationKey: Sendable, Hashable {
    /// The algorithm family and parameters, as far as verification needs them.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        case ecdsaP256, ecdsaP384, ecdsaP521, ed25519
        case rsa(bits: Int)

        public var description: String {
            switch self {
            case .ecdsaP256: "ECDSA P-256"
            case .ecdsaP384: "ECDSA P-384"
            case .ecdsaP521: "ECDSA P-521"
            case .ed25519: "Ed25519"
            case .rsa(let bits): "RSA-\(bits)"
            }
        }

        /// The hash this key signs with by default (Sigstore's algorithm registry).
        public var defaultHash: HashAlgorithm {
            switch self {
            case .ecdsaP384: .sha384
            case .ecdsaP521: .sha512
            default: .sha256
            }
        }
    }

    enum Backing: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    let backing: Backing
    /// DER SubjectPublicKeyInfo.
    public let spkiDER: [UInt8]
    public let kind: Kind

    /// Reads a DER SubjectPublicKeyInfo. RSA keys must have a 2048, 3072 or 4096-bit modulus.
    public init(spkiDER der: some DataProtocol) throws(KeyError) {
        let bytes = Array(der)
        // Only the parser the SPKI's algorithm identifier names: swift-crypto's EC parsers go by
        // the point's size, so a P-256 point under a P-384 or secp256k1 identifier would otherwise
        // be read as P-256. Bytes that name nothing (a bare PKCS#1 RSA key) get every parser in
        // turn. One parse, not a chain of failing ones, also spares a starting client their throws.
        let families: [Family]
        switch Family.naming(bytes) {
        case .family(let family): families = [family]
        case .none: families = Family.allCases
        case .unsupported: throw .unparseable(Self.unreadable)
        }
        for family in families {
            if let (backing, kind) = try Self.read(bytes, as: family) {
                self.init(backing: backing, kind: kind, spkiDER: bytes)
                return
            }
        }
        throw .unparseable(Self.unreadable)
    }

    private static let unreadable = "not a DER SubjectPublicKeyInfo of an ECDSA P-256/P-384/P-521, Ed25519 or RSA key"

    /// `bytes` read as a key of `family`, nil when they are not one.
    private static func read(_ bytes: [UInt8], as family: Family) throws(KeyError) -> (Backing, Kind)? {
        switch family {
        case .p256: return (try? P256.Signing.PublicKey(derRepresentation: bytes)).map { (.p256($0), .ecdsaP256) }
        case .p384: return (try? P384.Signing.PublicKey(derRepresentation: bytes)).map { (.p384($0), .ecdsaP384) }
        case .p521: return (try? P521.Signing.PublicKey(derRepresentation: bytes)).map { (.p521($0), .ecdsaP521) }
        case .ed25519: return (try? Curve25519.Signing.PublicKey(derRepresentation: bytes)).map { (.ed25519($0), .ed25519) }
        case .rsa:
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: bytes) else { return nil }
            guard [2048, 3072, 4096].contains(key.keySizeInBits) else {
                throw .unsupported("RSA keys must be 2048, 3072 or 4096 bits, not \(key.keySizeInBits)")
            }
            return (.rsa(key), .rsa(bits: key.keySizeInBits))
        }
    }

    /// Reads a PEM `PUBLIC KEY` block, with base64 lines of any length (`PEMDecoding`).
    public init(pem: String) throws(KeyError) {
        let block: PEMBlock
        do { block = try PEMDecoding.block(in: pem, label: "PUBLIC KEY") } catch {
            throw .unparseable("not a PEM PUBLIC KEY: \(error)")
        }
        try self.init(spkiDER: block.der)
    }

    /// The subject public key of a certificate.
    public init(certificate: Certificate) throws(KeyError) {
        var serializer = DER.Serializer()
        do {
            try serializer.serialize(certificate.publicKey)
        } catch {
            throw .unparseable("certificate public key does not encode")
        }
        try self.init(spkiDER: serializer.serializedBytes)
    }

    init(backing: Backing, kind: Kind, spkiDER: [UInt8]) {
        self.backing = backing
        self.kind = kind
        self.spkiDER = spkiDER
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo: Rekor's `logID`, the CT log ID, the key hint source.
    public var keyID: [UInt8] { Array(SHA256.hash(data: spkiDER)) }

    /// PEM `PUBLIC KEY` text, with a final newline.
    public var pem: String { PEMEncoding.encode(spkiDER, label: "PUBLIC KEY") }

    /// Verifies `signature` over `message`, hashing with the key's default hash: ECDSA (DER signature)
    /// with SHA-256/384/512 by curve, RSA PKCS#1 v1.5 with SHA-256, Ed25519 over the raw message.
    public func isValidSignature(_ signature: some DataProtocol, for message: some DataProtocol) -> Bool {
        switch backing {
        case .p256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .p384(let key):
            guard let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .p521(let key):
            guard let sig = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: message)
        case .ed25519(let key):
            return key.isValidSignature(Array(signature), for: Array(message))
        case .rsa(let key):
            let sig = _RSA.Signing.RSASignature(rawRepresentation: Array(signature))
            return key.isValidSignature(sig, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        }
    }

    /// Verifies `signature` over a digest computed by the signer (hashedrekord). Ed25519 keys cannot
    /// sign a digest (that needs Ed25519ph, which Sigil does not support) and always fail here.
    public func isValidSignature(_ signature: some DataProtocol, digest: [UInt8], algorithm: HashAlgorithm) -> Bool {
        guard digest.count == algorithm.byteCount else { return false }
        let prehashed = PrehashedDigest(bytes: digest)
        switch backing {
        case .p256(let key):
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: prehashed)
        case .p384(let key):
            guard let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: prehashed)
        case .p521(let key):
            guard let sig = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(sig, for: prehashed)
        case .ed25519:
            return false
        case .rsa(let key):
            let sig = _RSA.Signing.RSASignature(rawRepresentation: Array(signature))
            switch algorithm {
            case .sha256:
                guard let d = PrehashedDigest.typed(SHA256Digest.self, digest) else { return false }
                return key.isValidSignature(sig, for: d, padding: .insecurePKCS1v1_5)
            case .sha384:
                guard let d = PrehashedDigest.typed(SHA384Digest.self, digest) else { return false }
                return key.isValidSignature(sig, for: d, padding: .insecurePKCS1v1_5)
            case .sha512:
                guard let d = PrehashedDigest.typed(SHA512Digest.self, digest) else { return false }
                return key.isValidSignature(sig, for: d, padding: .insecurePKCS1v1_5)
            }
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.spkiDER == rhs.spkiDER }
    public func hash(into hasher: inout Hasher) { hasher.combine(spkiDER) }
}
