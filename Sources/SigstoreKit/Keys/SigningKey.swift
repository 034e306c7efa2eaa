import Crypto
import _CryptoExtras
import Foundation

/// A private key a server signs with: the log's checkpoints and SETs, the CT log's SCTs. ECDSA P-256
/// signatures are DER over SHA-256; Ed25519 signatures are raw over the message.
public struct SigningKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let backing: Backing
    /// The matching public key.
    public let verificationKey: VerificationKey

    /// A new random ECDSA P-256 key.
    public static func generateP256() -> SigningKey { SigningKey(p256: P256.Signing.PrivateKey()) }

    /// A new random Ed25519 key.
    public static func generateEd25519() -> SigningKey { SigningKey(ed25519: Curve25519.Signing.PrivateKey()) }

    public init(p256 key: P256.Signing.PrivateKey) {
        backing = .p256(key)
        let der = Array(key.publicKey.derRepresentation)
        verificationKey = VerificationKey(backing: .p256(key.publicKey), kind: .ecdsaP256, spkiDER: der)
    }

    public init(ed25519 key: Curve25519.Signing.PrivateKey) {
        backing = .ed25519(key)
        let der = Array(key.publicKey.derRepresentation)
        verificationKey = VerificationKey(backing: .ed25519(key.publicKey), kind: .ed25519, spkiDER: der)
    }

    /// Reads a PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) PEM of a P-256 or Ed25519 key.
    public init(pem: String) throws(KeyError) {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(p256: key)
        } else if let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(ed25519: key)
        } else {
            throw .unparseable("not a PEM private key of type ECDSA P-256 or Ed25519")
        }
    }

    /// PKCS#8 PEM. Secret: write it only to a 0600 file.
    public var pemRepresentation: String {
        switch backing {
        case .p256(let key): key.pemRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// Signs `message`.
    public func sign(_ message: some DataProtocol) throws -> [UInt8] {
        switch backing {
        case .p256(let key): Array(try key.signature(for: message).derRepresentation)
        case .ed25519(let key): Array(try key.signature(for: Array(message)))
        }
    }
}
