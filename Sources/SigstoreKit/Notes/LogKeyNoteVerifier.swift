/// Verifies checkpoint signatures made with a log key the way Rekor makes them (see
/// ``LogKeyNoteSigner``): name = the log's hostname, key hint = `SHA-256(DER SPKI)[:4]`, signature
/// checked with ``VerificationKey/isValidSignature(_:for:)`` over the note text. Works for ECDSA,
/// Ed25519 and RSA log keys.
public struct LogKeyNoteVerifier: NoteVerifier {
    public let name: String
    public let keyHint: UInt32
    /// The log's public key.
    public let key: VerificationKey

    /// Rekor's rule: key hint = `SHA-256(DER SPKI)[:4]`, the first four bytes of the log ID.
    public init(name: String, key: VerificationKey) {
        self.init(name: name, key: key, keyHint: NoteKeyID(spkiOf: key).hint)
    }

    /// An explicit key hint, e.g. `NoteKeyID(rekorV2Origin: name, key: key).hint` for a Rekor v2 log.
    public init(name: String, key: VerificationKey, keyHint: UInt32) {
        self.name = name
        self.key = key
        self.keyHint = keyHint
    }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: text)
    }
}
