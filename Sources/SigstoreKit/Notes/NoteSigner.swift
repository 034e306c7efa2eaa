/// A key that signs note texts (c2sp.org/signed-note "Signatures").
///
/// `name` and `keyHint` are what the signature line carries: `— <name> base64(keyHint || signature)`.
/// Implementations: ``LogKeyNoteSigner`` (Rekor's log key rule), ``Ed25519NoteSigner`` (C2SP type
/// 0x01), ``CosignatureSigner`` (C2SP tlog-cosignature type 0x04).
public protocol NoteSigner: Sendable {
    /// The key name; non-empty, without Unicode spaces or `+`.
    var name: String { get }
    /// The 32-bit key ID written in front of every signature, big-endian.
    var keyHint: UInt32 { get }
    /// Signs the whole note text (every line including the final newline) and returns the signature
    /// bytes that follow the key hint.
    func sign(_ text: [UInt8]) throws -> [UInt8]
}

/// A trusted key that checks note signatures (c2sp.org/signed-note "Signatures").
///
/// A signature line is this verifier's when both `name` and `keyHint` match; lines matching neither
/// or only one of them are ignored by ``SignedNote/verify(with:)``.
public protocol NoteVerifier: Sendable {
    /// The key name the signature lines carry.
    var name: String { get }
    /// The 32-bit key ID the signature lines carry.
    var keyHint: UInt32 { get }
    /// Whether `signature` (the bytes after the key hint) is valid over the note `text`.
    func verify(_ text: [UInt8], signature: [UInt8]) -> Bool
    /// True for witness cosignature keys (c2sp.org/tlog-cosignature). A cosignature alone never makes
    /// a checkpoint valid: ``SignedCheckpoint`` also needs a signature from a key where this is false.
    /// Defaults to `false`.
    var isCosigner: Bool { get }
}

extension NoteVerifier {
    public var isCosigner: Bool { false }
}
