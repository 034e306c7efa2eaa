import Foundation
import SigstoreKit

/// An image's lifecycle as its verified lifecycle attestations tell it (issue 6 §3): the
/// statements signed by an accepted signer, ordered by when they were recorded (the log's
/// integrated time, or a Rekor v2 entry's verified RFC 3161 timestamp); the
/// latest one at a given time wins. Lifecycle referrers that do not verify (unsigned, signed by
/// someone else, tampered) are kept aside with the reason, for reporting, and never count.
public struct LifecycleHistory: Sendable {
    /// One verified lifecycle statement.
    public struct Entry: Sendable {
        public let statement: LifecycleStatement
        /// When it was recorded: the log's integrated time, or its verified timestamp (Rekor v2).
        public let recorded: Date
        public let logIndex: Int64
        public let signer: String
        /// The referrer manifest that holds it.
        public let referrer: OCIDigest
    }

    /// Verified statements, oldest first (ties by log index).
    public let entries: [Entry]
    /// Lifecycle referrers that did not verify: the referrer and why.
    public let ignored: [(referrer: OCIDigest, claimedStatus: String?, reason: String)]

    /// Builds the history from verified referrers (others than lifecycle ones are skipped).
    public init(verdicts: [ImageVerifier.Verdict]) {
        var entries: [Entry] = []
        var ignored: [(OCIDigest, String?, String)] = []
        for verdict in verdicts where verdict.kind == .lifecycle {
            switch verdict.outcome {
            case .success(let verified):
                guard let statement = verified.lifecycle, let recorded = verified.integratedTime, let index = verified.logIndex else {
                    ignored.append((verdict.referrer.descriptor.digest, nil, "no verified log or timestamp time to order it by"))
                    continue
                }
                entries.append(Entry(statement: statement, recorded: recorded, logIndex: index, signer: verified.signer,
                                     referrer: verdict.referrer.descriptor.digest))
            case .failure(let error):
                ignored.append((verdict.referrer.descriptor.digest,
                                verdict.referrer.manifest.annotations[OCIAnnotation.lifecycleStatus], error.description))
            }
        }
        self.entries = entries.sorted { ($0.recorded, $0.logIndex) < ($1.recorded, $1.logIndex) }
        self.ignored = ignored
    }

    /// The statement in force at `date`: the latest recorded at or before it.
    public func current(at date: Date) -> Entry? {
        entries.last { $0.recorded <= date }
    }
}
