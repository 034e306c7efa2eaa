import Foundation

/// Establishes when the bundle was signed (sigstore-go "observer timestamps"): every RFC 3161
/// timestamp must verify against the trusted root's TSAs, and each Rekor v1 entry with a SET
/// contributes its integrated time (its SET is verified in the log step).
enum SigningTimes {
    /// At most this many RFC 3161 timestamps are looked at (sigstore-python's limit).
    static let maximumTimestamps = 32

    static func establish(_ bundle: SigstoreBundle, root: TrustedRoot, minimum: Int) async throws(VerificationError) -> [Date] {
        let timestamps = bundle.verificationMaterial.rfc3161Timestamps
        guard timestamps.count <= maximumTimestamps else {
            throw .step(.timestamp, "the bundle has \(timestamps.count) timestamps, more than \(maximumTimestamps)")
        }
        guard Set(timestamps).count == timestamps.count else { throw .step(.timestamp, "the bundle repeats a timestamp") }
        var times: [Date] = []
        for (i, response) in timestamps.enumerated() {
            do {
                times.append(try await TimestampVerifier.verify(response: response, signature: bundle.content.signatureBytes,
                                                                authorities: root.timestampAuthorities))
            } catch {
                throw .step(.timestamp, "RFC 3161 timestamp \(i): \(error.message)")
            }
        }
        for entry in bundle.verificationMaterial.tlogEntries where entry.inclusionPromise != nil && entry.integratedTime > 0 {
            times.append(Date(timeIntervalSince1970: Double(entry.integratedTime)))
        }
        guard times.count >= minimum else {
            throw .step(.timestamp, times.isEmpty
                ? "no verified signing time: the bundle has neither a signed entry timestamp nor an RFC 3161 timestamp"
                : "\(times.count) verified signing times, \(minimum) required")
        }
        return times
    }
}
