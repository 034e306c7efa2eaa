import Crypto

/// A named Ed25519 note key of one C2SP signature type (0x01 note signatures, 0x04 cosignatures):
/// the parts both verifier types share — reading `vkey` text, checking the key ID, writing it back.
public struct Ed25519NoteKey: Sendable {
    public let name: String
    public let keyHint: UInt32
    public let publicKey: Curve25519.Signing.PublicKey
    public let type: NoteSignatureType

    /// Reads `<name>+<key ID>+base64(type || 32-byte public key)`; the key ID must match.
    init(verifierKey vkey: String, type: NoteSignatureType) throws(NoteError) {
        let parsed = try NoteKeyText(verifierKey: vkey)
        try parsed.expect(type: type.identifier[0], keyCount: 32) {
            NoteKeyID(name: parsed.name, signatureType: type, publicKey: $0).hint
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: parsed.key) else {
            throw .malformedKey("not an Ed25519 public key")
        }
        self.init(validName: parsed.name, publicKey: key, type: type)
    }

    init(name: String, publicKey: Curve25519.Signing.PublicKey, type: NoteSignatureType) throws(NoteError) {
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.init(validName: name, publicKey: publicKey, type: type)
    }

    init(validName name: String, publicKey: Curve25519.Signing.PublicKey, type: NoteSignatureType) {
        self.name = name
        self.publicKey = publicKey
        self.type = type
        keyHint = NoteKeyID(name: name, signatureType: type, publicKey: publicKey.rawRepresentation).hint
    }

    var verifierKey: String {
        NoteKeyText(name: name, keyHint: keyHint, type: type.identifier[0], key: Array(publicKey.rawRepresentation)).verifierKey
    }
}
