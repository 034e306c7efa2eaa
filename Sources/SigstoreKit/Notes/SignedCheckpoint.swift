/// A checkpoint together with the signed note that carries it: produced by the log with
/// ``sign(_:signers:)``, or parsed and verified by a client with ``init(parsing:verifiers:)``.
///
/// The note may hold more signatures than any one party knows: the log's own, witness cosignatures,
/// a rotated key's. Unknown lines are kept (so ``formatted`` serves them on) but never trusted.
public struct SignedCheckpoint: Sendable, Equatable {
    /// The parsed note text.
    public let checkpoint: Checkpoint
    /// The whole note, with every signature line it arrived with.
    public let note: SignedNote

    /// Signs the checkpoint's note text with every signer (the log key, and cosigners if any).
    public static func sign(_ checkpoint: Checkpoint, signers: [any NoteSigner]) throws -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, note: try SignedNote.sign(text: checkpoint.noteText, signers: signers))
    }

    /// Parses a signed checkpoint, verifies its signatures, then parses the text as a checkpoint.
    ///
    /// Lines from unknown keys are ignored; a line from a known key that does not verify fails the
    /// whole checkpoint. At least one verified signature must come from a key that is not a cosigner
    /// (``NoteVerifier/isCosigner``): witnesses vouch for a log's checkpoint, they cannot replace it.
    public init(parsing note: String, verifiers: [any NoteVerifier]) throws(NoteError) {
        try self.init(verifying: SignedNote(parsing: note), verifiers: verifiers)
    }

    /// Like ``init(parsing:verifiers:)-(String,_)``, for a note received as bytes (rejects invalid UTF-8).
    public init(parsing bytes: some Collection<UInt8>, verifiers: [any NoteVerifier]) throws(NoteError) {
        try self.init(verifying: SignedNote(parsing: bytes), verifiers: verifiers)
    }

    /// Verifies an already parsed note as in ``init(parsing:verifiers:)-(String,_)``.
    public init(verifying note: SignedNote, verifiers: [any NoteVerifier]) throws(NoteError) {
        let verified = try note.verifiedSignatures(with: verifiers)
        guard verified.contains(where: { !$0.byCosigner }) else { throw .missingLogSignature }
        self.init(checkpoint: try Checkpoint(parsing: note.text), note: note)
    }

    private init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// The checkpoint with `more` signature lines appended (e.g. cosignatures returned by a witness).
    /// The new lines are not verified here; verify the result with the relevant keys before trusting them.
    public func adding(_ more: [NoteSignature]) throws(NoteError) -> SignedCheckpoint {
        SignedCheckpoint(checkpoint: checkpoint, note: try note.adding(more))
    }

    /// The signed note text as served at `/checkpoint` or embedded in a bundle.
    public var formatted: String { note.formatted }
}
