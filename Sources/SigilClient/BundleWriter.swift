import Foundation
import SigstoreKit
import WireFormat

/// Turns a Rekor v1 answer into a bundle log entry, and writes bundles to disk atomically: the
/// JSON goes to a temporary file in the destination's folder and is renamed over the
/// destination only when complete, so a failure never leaves a partial or truncated bundle.
public enum BundleWriter {
    /// Converts a Rekor v1 `LogEntryAnon` (numbers, hex, a bare checkpoint string) into the
    /// bundle's `TransparencyLogEntry` form (strings, base64, `{"envelope": text}`).
    ///
    /// `body` and `signedEntryTimestamp` are read with ``StrictBase64``, exactly as
    /// `LogEntryVerification.verify` reads them: Rekor v1 writes canonical base64, and the writer and
    /// the verifier must accept the same answers.
    public static func logEntry(from entry: RekorAPI.Entry) throws(SigningError) -> BundleLogEntry {
        guard let body = StrictBase64.decode(entry.body) else { throw SigningError(.logEntry, "the entry body is not base64") }
        guard let logID = LowercaseHex.decode(entry.logID.lowercased()), logID.count == 32 else {
            throw SigningError(.logEntry, "the entry's logID is not a 32-byte hex hash")
        }
        guard let set = StrictBase64.decode(entry.verification.signedEntryTimestamp), !set.isEmpty else {
            throw SigningError(.logEntry, "the signed entry timestamp is not base64")
        }
        let proof = entry.verification.inclusionProof
        guard let root = LowercaseHex.decode(proof.rootHash.lowercased()) else {
            throw SigningError(.logEntry, "the inclusion proof's rootHash is not hex")
        }
        var hashes: [[UInt8]] = []
        for text in proof.hashes {
            guard let hash = LowercaseHex.decode(text.lowercased()) else { throw SigningError(.logEntry, "an inclusion proof hash is not hex") }
            hashes.append(hash)
        }
        let kind: (String, String)
        do {
            let parsed = try RekorEntry.parseCanonicalBody(body)
            kind = (parsed.kind, parsed.apiVersion)
        } catch {
            throw SigningError(.logEntry, "the entry body does not parse: \(error)")
        }
        return BundleLogEntry(
            logIndex: entry.logIndex, logID: logID, kind: kind.0, version: kind.1, integratedTime: entry.integratedTime,
            inclusionPromise: set,
            inclusionProof: .init(logIndex: proof.logIndex, rootHash: root, treeSize: proof.treeSize, hashes: hashes,
                                  checkpoint: proof.checkpoint),
            canonicalizedBody: body)
    }

    /// The bundle's JSON text, as written to disk.
    public static func encode(_ bundle: SigstoreBundle) -> [UInt8] { bundle.encoded() + [0x0a] }

    /// Writes `bundle` to `path` atomically (temporary file + rename, same folder).
    public static func write(_ bundle: SigstoreBundle, to path: String) throws(SigningError) {
        do { try AtomicFile.write(encode(bundle), to: path, permissions: 0o644, namedByUser: true) } catch {
            throw SigningError(.bundle, error.description)
        }
    }
}
