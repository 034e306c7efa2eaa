import Foundation
import Merkle
import Crypto
import WireFormat

/// Verifies one bundle log entry against the logs of a trusted root (sigstore-go `tlog.go`):
/// its SET (Rekor v1), its inclusion proof, and the checkpoint that proof leads to. The body
/// itself is checked by `LogEntryBodyVerification` first.
enum TransparencyLogVerification {
    /// `requireCheckpoint` is false only for v0.1 bundles, whose SET alone may vouch for the entry.
    /// `signingTimes` are the verified times; an entry without a SET (Rekor v2) is only trusted
    /// if the log's key was valid at each of them.
    static func verify(_ entry: BundleLogEntry, logs: [TransparencyLogInstance], requireCheckpoint: Bool,
                       signingTimes: [Date]) throws(VerificationError) {
        let isV2 = entry.version.isExactly("0.0.2") && entry.kind.isExactly("hashedrekord")
        let firstStep: VerificationStep = entry.inclusionPromise != nil ? .signedEntryTimestamp : .checkpoint
        let candidates = logs.filter { $0.logID == entry.logID || $0.checkpointKeyID == entry.logID }
        guard let log = candidates.first(where: { $0.key != nil }), let key = log.key else {
            throw .step(firstStep, "log \(StrictBase64.encode(entry.logID)) is not a transparency log of the trusted root")
        }
        if let promise = entry.inclusionPromise {
            try verifySET(promise, entry: entry, log: log, key: key)
        } else if let time = signingTimes.first(where: { !log.isValid(at: $0) }) {
            throw .step(.checkpoint, "signing time \(RFC3339.format(time)) is outside the log key's validity in the trusted root")
        }
        guard let proof = entry.inclusionProof else { throw .step(.inclusionProof, "the entry has no inclusion proof") }
        let root = try verifyInclusion(proof, entry: entry, isV2: isV2)
        guard let checkpointText = proof.checkpoint else {
            if requireCheckpoint { throw .step(.checkpoint, "the inclusion proof has no checkpoint") }
            return
        }
        try verifyCheckpoint(checkpointText, log: log, key: key, isV2: isV2, root: root, treeSize: proof.treeSize)
    }

    private static func verifySET(_ promise: [UInt8], entry: BundleLogEntry, log: TransparencyLogInstance,
                                  key: VerificationKey) throws(VerificationError) {
        guard SignedEntryTimestamp.isValid(signature: promise, body: entry.canonicalizedBody, integratedTime: entry.integratedTime,
                                           logID: entry.logID, logIndex: entry.logIndex, key: key) else {
            throw .step(.signedEntryTimestamp, "the SET is not the log's signature over this entry")
        }
        let time = Date(timeIntervalSince1970: Double(entry.integratedTime))
        guard log.isValid(at: time) else {
            throw .step(.signedEntryTimestamp, "integrated time \(RFC3339.format(time)) is outside the log key's validity in the trusted root")
        }
    }

    /// Recomputes the root from the proof and compares it with the proof's `rootHash`.
    private static func verifyInclusion(_ proof: BundleLogEntry.InclusionProof, entry: BundleLogEntry,
                                        isV2: Bool) throws(VerificationError) -> Hash {
        guard let root = Hash(proof.rootHash) else { throw .step(.inclusionProof, "rootHash is not 32 bytes") }
        var hashes: [Hash] = []
        for bytes in proof.hashes {
            guard let hash = Hash(bytes) else { throw .step(.inclusionProof, "a proof hash is not 32 bytes") }
            hashes.append(hash)
        }
        // Rekor v2 proofs index the log itself, so the proof's index must be the entry's (as
        // sigstore-go requires): otherwise a bundle could claim any index the proof never proved.
        // Rekor v1 proofs use the shard-local index, which differs from the global one.
        if isV2 && proof.logIndex != entry.logIndex {
            throw .step(.inclusionProof, "the inclusion proof's logIndex \(proof.logIndex) is not the entry's logIndex \(entry.logIndex)")
        }
        let index = isV2 ? entry.logIndex : proof.logIndex
        do {
            try InclusionProof(leafIndex: index, treeSize: proof.treeSize, hashes: hashes)
                .verify(leafHash: RFC6962.leafHash(entry.canonicalizedBody), rootHash: root)
        } catch {
            throw .step(.inclusionProof, "\(error)")
        }
        return root
    }

    private static func verifyCheckpoint(_ text: String, log: TransparencyLogInstance, key: VerificationKey, isV2: Bool,
                                         root: Hash, treeSize: Int64) throws(VerificationError) {
        let checkpoint: Checkpoint
        do {
            let note = try SignedNote(parsing: text)
            checkpoint = try SignedCheckpoint(verifying: note, verifiers: verifiers(for: note, log: log, key: key, isV2: isV2)).checkpoint
        } catch {
            throw .step(.checkpoint, "\(error)")
        }
        guard checkpoint.rootHash == root else {
            throw .step(.checkpoint, "the checkpoint's root hash \(checkpoint.rootHash.hex) is not the proof's \(root.hex)")
        }
        guard checkpoint.treeSize == treeSize else {
            throw .step(.checkpoint, "the checkpoint's tree size \(checkpoint.treeSize) is not the proof's \(treeSize)")
        }
    }

    /// Rekor v2 signs as the hostname of the log's base URL with the C2SP key ID. Rekor v1 signs as
    /// its configured hostname with `SHA-256(SPKI)[:4]`; clients match v1 lines by key hint only,
    /// so any name the note's lines carry is accepted there.
    private static func verifiers(for note: SignedNote, log: TransparencyLogInstance, key: VerificationKey,
                                  isV2: Bool) throws(NoteError) -> [any NoteVerifier] {
        guard isV2 else {
            return Set(note.signatures.map(\.name)).map { LogKeyNoteVerifier(name: $0, key: key) }
        }
        let name = log.hostname
        if case .ed25519 = key.kind, let raw = try? Curve25519.Signing.PublicKey(derRepresentation: key.spkiDER) {
            return [try Ed25519NoteVerifier(name: name, publicKey: raw)]
        }
        return [LogKeyNoteVerifier(name: name, key: key, keyHint: NoteKeyID(rekorV2Origin: name, key: key).hint)]
    }
}
