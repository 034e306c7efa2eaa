import Crypto

/// Verifies C2SP Ed25519 note signatures (signed-note type 0x01): RFC 8032 over the note text, key ID
/// `SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]`.
public struct Ed25519NoteVerifier: NoteVerifier {
    let key: Ed25519NoteKey
    public var name: String { key.name }
    public var keyHint: UInt32 { key.keyHint }
    /// The Ed25519 public key.
    public var publicKey: Curve25519.Signing.PublicKey { key.publicKey }

    /// Reads a verifier key, `<name>+<key ID>+base64(0x01 || 32-byte public key)`; the key ID must be the one the name and key imply.
    public init(verifierKey vkey: String) throws(NoteError) {
        key = try Ed25519NoteKey(verifierKey: vkey, type: .ed25519)
    }

    /// A verifier for `publicKey` under `name`.
    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(NoteError) {
        key = try Ed25519NoteKey(name: name, publicKey: publicKey, type: .ed25519)
    }

    init(validName name: String, publicKey: Curve25519.Signing.PublicKey) {
        key = Ed25519NoteKey(validName: name, publicKey: publicKey, type: .ed25519)
    }

    /// The verifier key string (`vkey`).
    public var verifierKey: String { key.verifierKey }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.isValidSignature(signature, for: text)
    }
}
