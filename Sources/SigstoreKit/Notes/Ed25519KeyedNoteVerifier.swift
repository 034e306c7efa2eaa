import Crypto

/// A note verifier holding a named Ed25519 key of one C2SP signature type. The key's text form,
/// its key ID check and the accessors live here once; conforming types say only which signature
/// type they verify and how (``Ed25519NoteVerifier``: 0x01 note signatures, ``CosignatureVerifier``:
/// 0x04 witness cosignatures).
public protocol Ed25519KeyedNoteVerifier: NoteVerifier {
    /// The C2SP signature type of the key.
    static var signatureType: NoteSignatureType { get }
    /// The key, already checked to be of `signatureType`.
    var noteKey: Ed25519NoteKey { get }
    /// Wraps a key of `signatureType`.
    init(noteKey: Ed25519NoteKey)
}

extension Ed25519KeyedNoteVerifier {
    public var name: String { noteKey.name }
    public var keyHint: UInt32 { noteKey.keyHint }
    /// The Ed25519 public key.
    public var publicKey: Curve25519.Signing.PublicKey { noteKey.publicKey }
    /// The verifier key string (`vkey`).
    public var verifierKey: String { noteKey.verifierKey }

    /// Reads a verifier key, `<name>+<key ID>+base64(type || 32-byte public key)`; the key ID must
    /// be the one the name and key imply.
    public init(verifierKey vkey: String) throws(NoteError) {
        self.init(noteKey: try Ed25519NoteKey(verifierKey: vkey, type: Self.signatureType))
    }

    /// A verifier for `publicKey` under `name`.
    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(NoteError) {
        self.init(noteKey: try Ed25519NoteKey(name: name, publicKey: publicKey, type: Self.signatureType))
    }

    /// `key`, which must be of `signatureType`: a key of the other type comes only from the
    /// other verifier, and mixing them up is a programming error.
    static func checked(_ key: Ed25519NoteKey) -> Ed25519NoteKey {
        precondition(key.type == signatureType, "a \(key.type) key cannot verify \(signatureType) signatures")
        return key
    }

    init(validName name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.init(noteKey: Ed25519NoteKey(validName: name, publicKey: publicKey, type: Self.signatureType))
    }
}
