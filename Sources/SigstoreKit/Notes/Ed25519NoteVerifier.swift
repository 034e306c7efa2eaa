import Crypto

/// Verifies C2SP Ed25519 note signatures (signed-note type 0x01): RFC 8032 over the note text, key ID
/// `SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]`.
public struct Ed25519NoteVerifier: NoteVerifier {
    public let name: String
    public let keyHint: UInt32
    /// The Ed25519 public key.
    public let publicKey: Curve25519.Signing.PublicKey

    /// Reads a verifier key, `<name>+<key ID>+base64(0x01 || 32-byte public key)`; the key ID must be
    /// the one the name and key imply.
    public init(verifierKey vkey: String) throws(NoteError) {
        let parsed = try NoteKeyText(verifierKey: vkey)
        try parsed.expect(type: 0x01, keyCount: 32) {
            NoteKeyID(name: parsed.name, signatureType: .ed25519, publicKey: $0).hint
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: parsed.key) else {
            throw .malformedKey("not an Ed25519 public key")
        }
        self.init(validName: parsed.name, publicKey: key)
    }

    /// A verifier for `publicKey` under `name`.
    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(NoteError) {
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.init(validName: name, publicKey: publicKey)
    }

    init(validName name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
        keyHint = NoteKeyID(name: name, signatureType: .ed25519, publicKey: publicKey.rawRepresentation).hint
    }

    /// The verifier key string (`vkey`).
    public var verifierKey: String {
        NoteKeyText(name: name, keyHint: keyHint, type: 0x01, key: Array(publicKey.rawRepresentation)).verifierKey
    }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.isValidSignature(signature, for: text)
    }
}
