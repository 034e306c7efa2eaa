import Crypto

/// The signature type identifiers that enter a C2SP key ID (c2sp.org/signed-note "Signature types").
public enum NoteSignatureType: Sendable, Hashable {
    /// `0x01`: Ed25519 over the note text.
    case ed25519
    /// `0x04`: timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature).
    case cosignatureV1
    /// `0xff || "PKIX-RSA-PKCS#1v1.5"`: Rekor v2's RSA log keys, with the DER SPKI as the key.
    case rekorRSA

    /// The bytes between the newline and the public key in the key ID hash.
    public var identifier: [UInt8] {
        switch self {
        case .ed25519: [0x01]
        case .cosignatureV1: [0x04]
        case .rekorRSA: [0xFF] + Array("PKIX-RSA-PKCS#1v1.5".utf8)
        }
    }
}

/// A note key's full 32-byte key ID; its first four bytes, big-endian, are the ``hint`` written in
/// front of every signature.
///
/// Rekor v2 publishes the untruncated value as the log ID (`logId.keyId`, trusted root
/// `checkpointKeyId`); Rekor v1 and the ECDSA note type (0x02) use SHA-256 of the DER SPKI.
public struct NoteKeyID: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the SHA-256 hash.
    public let bytes: [UInt8]

    /// The C2SP recommended key ID: `SHA-256(key name || 0x0A || signature type || public key)`.
    /// For Ed25519 types the public key is the raw 32-byte key; for ``NoteSignatureType/rekorRSA`` the
    /// DER SPKI.
    public init(name: String, signatureType: NoteSignatureType, publicKey: some Collection<UInt8>) {
        var hash = SHA256()
        hash.update(data: Array(name.utf8) + [NoteSyntax.newline] + signatureType.identifier)
        hash.update(data: Array(publicKey))
        bytes = Array(hash.finalize())
    }

    /// `SHA-256(DER SPKI)`: Rekor v1's log ID and key hint source, and the C2SP ECDSA (0x02) rule. The
    /// name does not enter it.
    public init(spkiOf key: VerificationKey) {
        bytes = key.keyID
    }

    /// Rekor v2's checkpoint key ID for a log key and its origin: Ed25519 keys use the C2SP rule with
    /// type 0x01 and the raw key; ECDSA keys use `SHA-256(DER SPKI)` without the origin; RSA keys use
    /// ``NoteSignatureType/rekorRSA`` with the DER SPKI.
    public init(rekorV2Origin origin: String, key: VerificationKey) {
        switch key.backing {
        case .ed25519(let publicKey):
            self.init(name: origin, signatureType: .ed25519, publicKey: publicKey.rawRepresentation)
        case .p256, .p384, .p521:
            self.init(spkiOf: key)
        case .rsa:
            self.init(name: origin, signatureType: .rekorRSA, publicKey: key.spkiDER)
        }
    }

    /// The key hint: the first four bytes, big-endian.
    public var hint: UInt32 { NoteSyntax.bigEndian(UInt32.self, bytes) }

    /// 64 lowercase hex digits.
    public var hex: String { bytes.map { NoteSyntax.hex2($0) }.joined() }

    public var description: String { hex }
}

extension NoteSyntax {
    static func hex2(_ byte: UInt8) -> String {
        byte < 0x10 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
    }
}
