import Foundation

/// What the explorer asks of the log beyond the Rekor API. Each answer is read within the
/// published tree: nothing past the current checkpoint is shown.
extension LogService {
    /// The newest `limit` entries, newest first.
    public func recentEntries(limit: Int) async throws -> RecentEntries {
        let size = treeHead.treeSize
        let entries = try await store.entries(in: max(0, size - Int64(limit))..<size)
        return RecentEntries(treeSize: size, entries: entries.reversed().map(EntrySummary.init))
    }

    /// Entries under a search key from log index `from` on, at most `limit`, and where the next page starts.
    public func searchPage(key: String, from: Int64, limit: Int) async throws -> EntryPage {
        let size = treeHead.treeSize
        let indexes = try await store.search(key: key, from: from, limit: limit + 1).filter { $0 < size }
        var entries: [EntrySummary] = []
        for index in indexes.prefix(limit) {
            guard let entry = try await store.entry(at: index) else {
                throw LogError(.internalError, "search index names log index \(index), which is not stored")
            }
            entries.append(EntrySummary(entry))
        }
        return EntryPage(entries: entries, next: indexes.count > limit ? indexes[limit] : nil)
    }

    /// Entries per bucket over the last `buckets` buckets (see ``ActivityHistogram``).
    public func activity(bucketSeconds: Int64, buckets: Int, now: Date = Date()) async throws -> ActivityHistogram {
        let size = treeHead.treeSize
        return try await ActivityHistogram.count(treeSize: size, now: Int64(now.timeIntervalSince1970),
                                                 bucketSeconds: bucketSeconds, buckets: buckets) { index in
            guard let entry = try await store.entry(at: index) else {
                throw LogError(.internalError, "log index \(index) is inside the tree but not stored")
            }
            return entry.integratedTime
        }
    }

    /// The newest `limit` published checkpoints, newest first.
    public func checkpointHistory(limit: Int) async throws -> CheckpointHistory {
        let records = try await store.checkpoints(atMost: treeHead.treeSize, limit: limit)
        return CheckpointHistory(checkpoints: records.map { CheckpointRecord(treeSize: $0.treeSize, note: $0.note) })
    }
}
