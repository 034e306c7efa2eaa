/// Signs checkpoints the way Rekor signs with its log key: the signature line's name is the log's
/// hostname, the key hint is the first four bytes (big-endian) of `SHA-256(DER SPKI)` (the log ID),
/// and the signature is ``SigningKey/sign(_:)`` over the note text (ECDSA P-256: DER over SHA-256;
/// Ed25519: raw).
public struct LogKeyNoteSigner: NoteSigner {
    public let name: String
    public let keyHint: UInt32
    /// The log's private key.
    public let key: SigningKey

    /// Rekor's rule: key hint = `SHA-256(DER SPKI)[:4]`. The name is checked when signing.
    public init(name: String, key: SigningKey) {
        self.init(name: name, key: key, keyHint: NoteKeyID(spkiOf: key.verificationKey).hint)
    }

    /// An explicit key hint, e.g. `NoteKeyID(rekorV2Origin: name, key: key.verificationKey).hint` for a
    /// Rekor v2 style Ed25519 log key.
    public init(name: String, key: SigningKey, keyHint: UInt32) {
        self.name = name
        self.key = key
        self.keyHint = keyHint
    }

    /// The matching verifier.
    public var verifier: LogKeyNoteVerifier {
        LogKeyNoteVerifier(name: name, key: key.verificationKey, keyHint: keyHint)
    }

    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        try key.sign(text)
    }
}
