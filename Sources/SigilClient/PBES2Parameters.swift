import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1

/// The PBES2 `AlgorithmIdentifier` of an encrypted PKCS#8 key (RFC 8018 §A.2, §A.4, §B.2.2):
/// PBKDF2 (salt, iteration count, optional key length, PRF defaulting to HMAC-SHA-1) and an
/// AES-CBC encryption scheme with its IV.
struct PBES2Parameters {
    /// The PBKDF2 pseudo-random functions we accept (RFC 8018 §B.1.2).
    enum PRF: CaseIterable {
        case hmacSHA1, hmacSHA256, hmacSHA384, hmacSHA512

        var oid: ASN1ObjectIdentifier {
            switch self {
            case .hmacSHA1: [1, 2, 840, 113549, 2, 7]
            case .hmacSHA256: [1, 2, 840, 113549, 2, 9]
            case .hmacSHA384: [1, 2, 840, 113549, 2, 10]
            case .hmacSHA512: [1, 2, 840, 113549, 2, 11]
            }
        }

        var hashFunction: KDF.Insecure.PBKDF2.HashFunction {
            switch self {
            case .hmacSHA1: .insecureSHA1
            case .hmacSHA256: .sha256
            case .hmacSHA384: .sha384
            case .hmacSHA512: .sha512
            }
        }
    }

    /// AES in CBC mode, by key size (NIST CSOR OIDs 2.16.840.1.101.3.4.1.{2,22,42}).
    enum Cipher: CaseIterable {
        case aes128CBC, aes192CBC, aes256CBC

        var oid: ASN1ObjectIdentifier {
            switch self {
            case .aes128CBC: [2, 16, 840, 1, 101, 3, 4, 1, 2]
            case .aes192CBC: [2, 16, 840, 1, 101, 3, 4, 1, 22]
            case .aes256CBC: [2, 16, 840, 1, 101, 3, 4, 1, 42]
            }
        }

        var keyByteCount: Int {
            switch self {
            case .aes128CBC: 16
            case .aes192CBC: 24
            case .aes256CBC: 32
            }
        }
    }

    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]

    let salt: [UInt8]
    let iterations: Int
    let prf: PRF
    let cipher: Cipher
    let iv: [UInt8]

    init(salt: [UInt8], iterations: Int, prf: PRF, cipher: Cipher, iv: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.prf = prf
        self.cipher = cipher
        self.iv = iv
    }

    /// The AES key. swift-crypto refuses fewer than 210,000 rounds through its checked entry
    /// point; keys written by other tools (OpenSSL's default is 2,048) must still open.
    func deriveKey(password: [UInt8]) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: prf.hashFunction,
                                           outputByteCount: cipher.keyByteCount, unsafeUncheckedRounds: iterations)
    }

    func serialize(into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(Self.pbes2)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(Self.pbkdf2)
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(salt)))
                        try coder.serialize(iterations)
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(prf.oid)
                            try coder.serialize(ASN1Null())
                        }
                    }
                }
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(cipher.oid)
                    try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(iv)))
                }
            }
        }
    }

    /// Reads the `encryptionAlgorithm` node of an `EncryptedPrivateKeyInfo`.
    init(algorithmIdentifier node: ASN1Node) throws {
        (salt, iterations, prf, cipher, iv) = try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard oid == Self.pbes2 else {
                throw PrivateKeyError.unsupportedEncryption("algorithm \(oid) is not PBES2 (\(Self.pbes2))")
            }
            guard let params = nodes.next() else { throw PrivateKeyError.unsupportedEncryption("PBES2 parameters are missing") }
            return try DER.sequence(params, identifier: .sequence) { inner in
                var algorithms: [ASN1Node] = []
                while let next = inner.next() { algorithms.append(next) }
                return try algorithms.parsePBES2()
            }
        }
    }
}

private extension Array where Element == ASN1Node {
    /// `PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }`.
    func parsePBES2() throws -> ([UInt8], Int, PBES2Parameters.PRF, PBES2Parameters.Cipher, [UInt8]) {
        guard count == 2 else { throw PrivateKeyError.unsupportedEncryption("PBES2 parameters must hold two algorithms") }
        let (salt, iterations, prf, keyLength) = try Self.parsePBKDF2(self[0])
        let (cipher, iv) = try Self.parseCipher(self[1])
        if let keyLength, keyLength != cipher.keyByteCount {
            throw PrivateKeyError.unsupportedEncryption("PBKDF2 key length \(keyLength) does not fit the cipher")
        }
        return (salt, iterations, prf, cipher, iv)
    }

    static func parsePBKDF2(_ node: ASN1Node) throws -> ([UInt8], Int, PBES2Parameters.PRF, Int?) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard oid == PBES2Parameters.pbkdf2 else {
                throw PrivateKeyError.unsupportedEncryption("key derivation \(oid) is not PBKDF2")
            }
            guard let parameters = nodes.next() else { throw PrivateKeyError.unsupportedEncryption("PBKDF2 parameters are missing") }
            return try DER.sequence(parameters, identifier: .sequence) { fields in
                let salt = [UInt8](try ASN1OctetString(derEncoded: &fields).bytes)
                let iterations = try Int(derEncoded: &fields)
                guard iterations >= 1, iterations <= EncryptedPrivateKey.maximumIterations else {
                    throw PrivateKeyError.unsupportedEncryption("PBKDF2 iteration count \(iterations) is out of range")
                }
                var keyLength: Int?
                var prf = PBES2Parameters.PRF.hmacSHA1
                while let field = fields.next() {
                    if field.identifier == .integer {
                        keyLength = try Int(derEncoded: field)
                    } else {
                        prf = try parsePRF(field)
                    }
                }
                return (salt, iterations, prf, keyLength)
            }
        }
    }

    static func parsePRF(_ node: ASN1Node) throws -> PBES2Parameters.PRF {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            _ = nodes.next()   // NULL parameters, when present
            guard let prf = PBES2Parameters.PRF.allCases.first(where: { $0.oid == oid }) else {
                throw PrivateKeyError.unsupportedEncryption("PBKDF2 PRF \(oid) is not HMAC-SHA-1/256/384/512")
            }
            return prf
        }
    }

    static func parseCipher(_ node: ASN1Node) throws -> (PBES2Parameters.Cipher, [UInt8]) {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            guard let cipher = PBES2Parameters.Cipher.allCases.first(where: { $0.oid == oid }) else {
                throw PrivateKeyError.unsupportedEncryption("cipher \(oid) is not AES-CBC")
            }
            let iv = [UInt8](try ASN1OctetString(derEncoded: &nodes).bytes)
            guard iv.count == 16 else { throw PrivateKeyError.unsupportedEncryption("the AES-CBC IV is not 16 bytes") }
            return (cipher, iv)
        }
    }
}
