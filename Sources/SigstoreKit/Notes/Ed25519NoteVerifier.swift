import Crypto

/// Verifies C2SP Ed25519 note signatures (signed-note type 0x01): RFC 8032 over the note text, key ID
/// `SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]`.
public struct Ed25519NoteVerifier: Ed25519KeyedNoteVerifier {
    public static let signatureType = NoteSignatureType.ed25519
    public let noteKey: Ed25519NoteKey

    public init(noteKey: Ed25519NoteKey) { self.noteKey = Self.checked(noteKey) }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.isValidSignature(signature, for: text)
    }
}
