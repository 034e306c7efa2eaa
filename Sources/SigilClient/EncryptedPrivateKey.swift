import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1

/// Password-protected private keys as PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5208 §6) with PBES2
/// (RFC 8018 §6.2): PBKDF2 with HMAC-SHA-256 derives an AES-256-CBC key. This is the format
/// `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes, so `openssl pkey -in KEY -passin pass:PW` reads
/// our keys, and we read OpenSSL's (PBKDF2 with HMAC-SHA-1/256/384/512, AES-128/192/256-CBC).
public enum EncryptedPrivateKey {
    /// PEM label of an encrypted PKCS#8 key.
    public static let pemLabel = "ENCRYPTED PRIVATE KEY"
    /// PBKDF2 rounds for new keys: OWASP's recommendation for PBKDF2-HMAC-SHA-256.
    public static let defaultIterations = 600_000
    /// Keys asking for more rounds than this are refused, so a hostile file cannot stall us for hours.
    static let maximumIterations = 10_000_000

    /// Encrypts a DER PKCS#8 `PrivateKeyInfo` under `password`; returns the PEM text.
    /// `iterations` below swift-crypto's floor (210,000) are only for tests of the format.
    public static func encrypt(pkcs8 privateKeyInfo: [UInt8], password: [UInt8],
                               iterations: Int = defaultIterations) throws -> String {
        let salt = randomBytes(16)
        let ivBytes = randomBytes(16)
        let parameters = PBES2Parameters(salt: salt, iterations: iterations, prf: .hmacSHA256, cipher: .aes256CBC, iv: ivBytes)
        let key = try parameters.deriveKey(password: password)
        let ciphertext = try AES._CBC.encrypt(privateKeyInfo, using: key, iv: try AES._CBC.IV(ivBytes: ivBytes))
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            try parameters.serialize(into: &coder)
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(ciphertext)))
        }
        return PEMDocument(type: pemLabel, derBytes: serializer.serializedBytes).pemString + "\n"
    }

    /// Decrypts PEM text written by `encrypt` (or OpenSSL) to the DER PKCS#8 `PrivateKeyInfo`.
    public static func decrypt(pem: String, password: [UInt8]) throws(PrivateKeyError) -> [UInt8] {
        guard let document = try? PEMDocument(pemString: pem) else { throw .notEncryptedKey("not a PEM document") }
        guard document.discriminator == pemLabel else {
            throw .notEncryptedKey("expected a PEM \(pemLabel) block, found \(document.discriminator)")
        }
        let parameters: PBES2Parameters
        let ciphertext: [UInt8]
        do {
            (parameters, ciphertext) = try parse(document.derBytes)
        } catch let error as PrivateKeyError {
            throw error
        } catch {
            throw .notEncryptedKey("the EncryptedPrivateKeyInfo does not parse: \(error)")
        }
        let plaintext: Data
        do {
            let key = try parameters.deriveKey(password: password)
            plaintext = try AES._CBC.decrypt(ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: parameters.iv))
        } catch {
            // Bad CBC padding is what a wrong password almost always produces.
            throw .wrongPassword
        }
        // A wrong password passes the padding check about once in 256 tries; the DER then fails.
        guard let node = try? DER.parse(Array(plaintext)), node.identifier == .sequence else { throw .wrongPassword }
        return Array(plaintext)
    }

    private static func parse(_ der: [UInt8]) throws -> (PBES2Parameters, [UInt8]) {
        let root = try DER.parse(der)
        return try DER.sequence(root, identifier: .sequence) { nodes in
            guard let algorithm = nodes.next() else { throw PrivateKeyError.notEncryptedKey("missing encryptionAlgorithm") }
            let parameters = try PBES2Parameters(algorithmIdentifier: algorithm)
            let data = try ASN1OctetString(derEncoded: &nodes)
            return (parameters, Array(data.bytes))
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// Why a private key file could not be used. Never carries the password or key bytes.
public enum PrivateKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case notEncryptedKey(String)
    case unsupportedEncryption(String)
    case wrongPassword
    case unsupportedKey(String)

    public var description: String {
        switch self {
        case .notEncryptedKey(let why): "not an encrypted PKCS#8 private key: \(why)"
        case .unsupportedEncryption(let why): "unsupported key encryption: \(why)"
        case .wrongPassword: "wrong password for the private key (or the key file is corrupt)"
        case .unsupportedKey(let why): "unsupported private key: \(why)"
        }
    }
}
