import Crypto
import Foundation

/// Checkpoint signatures of a CT log (c2sp.org/static-ct-api): note signature type 0x05, whose body is
/// the STH timestamp (u64) followed by the RFC 6962 `TreeHeadSignature` digitally-signed value, so a
/// checkpoint converts to a `get-sth` answer and back without the private key.
public enum RFC6962NoteSignature {
    /// SHA-256(name ‖ 0x0A ‖ 0x05 ‖ logID)[:4], big-endian.
    public static func keyHint(name: String, logID: [UInt8]) -> UInt32 {
        let digest = SHA256.hash(data: Array(name.utf8) + [0x0A, 0x05] + logID)
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Splits a signature body into the STH timestamp and the digitally-signed value.
    public static func split(_ body: [UInt8]) throws(CTError) -> (timestamp: UInt64, digitallySigned: [UInt8]) {
        guard body.count > 8 else { throw CTError("RFC 6962 note signature is too short") }
        let timestamp = body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (timestamp, Array(body.dropFirst(8)))
    }
}

/// Signs CT checkpoints as static-ct-api describes. The key name must be the checkpoint origin.
public struct RFC6962NoteSigner: NoteSigner {
    public let name: String
    public let keyHint: UInt32
    let key: SigningKey
    let now: @Sendable () -> Date

    public init(name: String, key: SigningKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.key = key
        self.now = now
        self.keyHint = RFC6962NoteSignature.keyHint(name: name, logID: key.verificationKey.keyID)
    }

    public var verifier: RFC6962NoteVerifier { RFC6962NoteVerifier(name: name, key: key.verificationKey) }

    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        let checkpoint = try Checkpoint(parsing: String(decoding: text, as: UTF8.self))
        let timestamp = UInt64(max(0, now().timeIntervalSince1970 * 1000))
        let signed = TreeHeadSignature.signedData(timestamp: timestamp, treeSize: UInt64(checkpoint.treeSize),
                                                  rootHash: checkpoint.rootHash.bytes)
        let signature = try DigitallySigned.encode(signature: try key.sign(signed), kind: key.verificationKey.kind)
        return withUnsafeBytes(of: timestamp.bigEndian, Array.init) + signature
    }
}

/// Verifies CT checkpoint signatures made by `RFC6962NoteSigner`.
public struct RFC6962NoteVerifier: NoteVerifier {
    public let name: String
    public let keyHint: UInt32
    public let key: VerificationKey

    public init(name: String, key: VerificationKey) {
        self.name = name
        self.key = key
        self.keyHint = RFC6962NoteSignature.keyHint(name: name, logID: key.keyID)
    }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        guard let checkpoint = try? Checkpoint(parsing: String(decoding: text, as: UTF8.self)),
              let (timestamp, digitallySigned) = try? RFC6962NoteSignature.split(signature),
              let raw = try? DigitallySigned.signature(in: digitallySigned) else { return false }
        let signed = TreeHeadSignature.signedData(timestamp: timestamp, treeSize: UInt64(checkpoint.treeSize),
                                                  rootHash: checkpoint.rootHash.bytes)
        return key.isValidSignature(raw, for: signed)
    }
}
