import WireFormat

extension LogEntryVerification {
    /// Verifies a Rekor v2 checkpoint (what its `checkpoint` file serves): the signature line named
    /// `origin` (the host name of the log's base URL) with the key hint of ``NoteKeyID/init(rekorV2Origin:key:)``
    /// must verify with `logKey`, and the checkpoint's origin line must be `origin`.
    public static func verifyRekorV2Checkpoint(_ text: String, logKey: VerificationKey, origin: String) throws(LogEntryError) -> Checkpoint {
        let verifier = LogKeyNoteVerifier(name: origin, key: logKey, keyHint: NoteKeyID(rekorV2Origin: origin, key: logKey).hint)
        let checkpoint: Checkpoint
        do { checkpoint = try SignedCheckpoint(parsing: text, verifiers: [verifier]).checkpoint } catch {
            throw .checkpoint("\(error)")
        }
        guard checkpoint.origin.isExactly(origin) else {
            throw .checkpoint("the checkpoint's origin \(JSONError.quoted(checkpoint.origin)) is not the log's \(JSONError.quoted(origin))")
        }
        return checkpoint
    }
}
