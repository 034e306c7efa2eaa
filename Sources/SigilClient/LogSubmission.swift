import Foundation
import SigstoreKit
import WireFormat

/// Uploads a proposed entry and accepts the answer only once it is proven (issue 4 §1): the log's
/// key is one the trusted root lists, the body hashes to the returned UUID, the inclusion proof
/// reproduces the root of a checkpoint signed by that key, and the SET is that key's signature.
enum LogSubmission {
    static func submit(_ proposed: [UInt8], to log: LogClient, trustedRoot: TrustedRoot) async throws(SigningError) -> BundleLogEntry {
        let answer: (entryID: String, entry: RekorAPI.Entry, created: Bool)
        do {
            answer = try await log.add(proposedEntry: proposed)
        } catch {
            throw SigningError(.upload, "\(error)")
        }
        let logID = LowercaseHex.decode(answer.entry.logID.lowercased()) ?? []
        guard let instance = trustedRoot.tlogs.first(where: { $0.logID == logID && $0.key != nil }), let key = instance.key else {
            throw SigningError(.logEntry, "the log answered as log \(answer.entry.logID), which is not a transparency log of the trusted root")
        }
        do {
            _ = try LogEntryVerification.verify(answer.entry, entryID: answer.entryID, logKey: key)
        } catch {
            throw SigningError(.logEntry, "\(error)")
        }
        return try BundleWriter.logEntry(from: answer.entry)
    }
}
