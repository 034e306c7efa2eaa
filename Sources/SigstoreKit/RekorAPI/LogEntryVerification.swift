import Foundation
import Merkle
import WireFormat

/// What a verified Rekor v1 entry proves: this body is at this index of a tree whose checkpoint the
/// log signed, and the log promised (SET) to include it at this time.
public struct VerifiedLogEntry: Sendable, Equatable {
    public let logIndex: Int64
    public let integratedTime: Int64
    public let body: [UInt8]
    public let leafHash: Hash
    public let checkpoint: Checkpoint
}

/// Why a log entry did not verify. Each case names the check that failed.
public enum LogEntryError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case uuidMismatch(expected: String, actual: String)
    case inclusionProof(String)
    case checkpoint(String)
    case signedEntryTimestamp(String)

    public var description: String {
        switch self {
        case .malformed(let why): "log entry is malformed: \(why)"
        case .uuidMismatch(let expected, let actual): "log entry UUID is \(actual), but its body hashes to \(expected)"
        case .inclusionProof(let why): "inclusion proof: \(why)"
        case .checkpoint(let why): "checkpoint: \(why)"
        case .signedEntryTimestamp(let why): "signed entry timestamp: \(why)"
        }
    }
}

/// Offline verification of one Rekor v1 entry against the log's public key.
public enum LogEntryVerification {
    /// Checks, in order: the body hashes to the UUID (when `entryID` is given); the inclusion proof
    /// reproduces its root; the checkpoint is signed by `logKey` and commits to that root and size;
    /// the SET is the log key's signature over the entry.
    ///
    /// `body` and `signedEntryTimestamp` are read with ``StrictBase64``, as ``BundleWriter`` reads
    /// the same answer when it writes a bundle: Rekor v1 (Go's StdEncoding) writes canonical base64,
    /// and a verifier that accepted a spelling the bundle writer refuses would pass an entry the
    /// signer then cannot record.
    public static func verify(_ entry: RekorAPI.Entry, entryID: String?, logKey: VerificationKey) throws(LogEntryError) -> VerifiedLogEntry {
        guard let bodyBytes = StrictBase64.decode(entry.body) else { throw .malformed("body is not base64") }
        let leafHash = RFC6962.leafHash(bodyBytes)
        if let entryID {
            let uuid = String(decoding: entryID.asciiLowercased.utf8.suffix(64), as: UTF8.self)
            guard uuid.isExactly(leafHash.hex) else { throw .uuidMismatch(expected: leafHash.hex, actual: uuid) }
        }
        let proofJSON = entry.verification.inclusionProof
        guard let root = Hash(hex: proofJSON.rootHash) else { throw .malformed("inclusionProof.rootHash is not a 32-byte hex hash") }
        var hashes: [Hash] = []
        for text in proofJSON.hashes {
            guard let hash = Hash(hex: text) else { throw .malformed("inclusionProof.hashes holds \"\(text)\", not a hex hash") }
            hashes.append(hash)
        }
        guard proofJSON.logIndex == entry.logIndex else {
            throw .malformed("inclusionProof.logIndex \(proofJSON.logIndex) differs from logIndex \(entry.logIndex)")
        }
        let proof = InclusionProof(leafIndex: proofJSON.logIndex, treeSize: proofJSON.treeSize, hashes: hashes)
        do {
            try proof.verify(leafHash: leafHash, rootHash: root)
        } catch {
            throw .inclusionProof("\(error)")
        }
        let checkpoint = try verifyCheckpoint(proofJSON.checkpoint, logKey: logKey)
        guard checkpoint.rootHash == root, checkpoint.treeSize == proofJSON.treeSize else {
            throw .checkpoint("the checkpoint commits to size \(checkpoint.treeSize) root \(checkpoint.rootHash), but the proof is for size \(proofJSON.treeSize) root \(root)")
        }
        guard let set = StrictBase64.decode(entry.verification.signedEntryTimestamp) else {
            throw .signedEntryTimestamp("not base64")
        }
        guard entry.logID.asciiLowercased.isExactly(LowercaseHex.encode(logKey.keyID)) else {
            throw .signedEntryTimestamp("entry names log \(entry.logID), not the trusted log \(LowercaseHex.encode(logKey.keyID))")
        }
        let payload = SignedEntryTimestamp.payload(body: bodyBytes, integratedTime: entry.integratedTime,
                                                   logID: logKey.keyID, logIndex: entry.logIndex)
        guard logKey.isValidSignature(set, for: payload) else {
            throw .signedEntryTimestamp("the signature does not verify with the log key")
        }
        return VerifiedLogEntry(logIndex: entry.logIndex, integratedTime: entry.integratedTime, body: bodyBytes,
                                leafHash: leafHash, checkpoint: checkpoint)
    }

    /// Verifies a Rekor-style checkpoint: the signature line whose key hint is the log key's
    /// (first 4 bytes of its key ID) must verify; other lines are ignored.
    public static func verifyCheckpoint(_ text: String, logKey: VerificationKey) throws(LogEntryError) -> Checkpoint {
        let note: SignedNote
        do { note = try SignedNote(parsing: text) } catch { throw .checkpoint("\(error)") }
        let hint = logKey.keyID.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let names = Set(note.signatures.filter { $0.keyHint == hint }.map { ExactString($0.name) })
        guard !names.isEmpty else { throw .checkpoint("no signature line carries the log key's hint \(String(format: "%08x", hint))") }
        let verifiers: [any NoteVerifier] = names.map { LogKeyNoteVerifier(name: $0.text, key: logKey) }
        do {
            return try SignedCheckpoint(parsing: text, verifiers: verifiers).checkpoint
        } catch {
            throw .checkpoint("\(error)")
        }
    }
}
