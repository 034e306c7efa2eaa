import Crypto
import Foundation
import SigstoreKit

/// A managed signing key pair as `sigil generate-key-pair` writes it: the P-256 private key as an
/// encrypted PKCS#8 PEM, and the public key as a PEM `PUBLIC KEY`.
public struct ManagedKeyPair: Sendable {
    public let encryptedPrivateKeyPEM: String
    public let publicKeyPEM: String

    /// Generates a new P-256 key and encrypts it under `password`.
    public static func generate(password: [UInt8], iterations: Int = EncryptedPrivateKey.defaultIterations) throws -> ManagedKeyPair {
        let key = P256.Signing.PrivateKey()
        let encrypted = try EncryptedPrivateKey.encrypt(pkcs8: Array(key.derRepresentation), password: password, iterations: iterations)
        let publicKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation)
        return ManagedKeyPair(encryptedPrivateKeyPEM: encrypted, publicKeyPEM: publicKey.pem)
    }

    /// Reads and decrypts a key file for `KeySigner`; errors name the file, never the password.
    public static func openPrivateKey(path: String, password: [UInt8]) throws(SigningError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
            throw SigningError(.key, "\(path): cannot read the key file")
        }
        do { return try EncryptedPrivateKey.decrypt(pem: pem, password: password) } catch {
            throw SigningError(.key, "\(path): \(error)")
        }
    }
}
