import Foundation

/// What the explorer asks of the v1 log beyond the Rekor API. Each answer is read within the
/// published tree: nothing past the current checkpoint is shown.
extension LogService {
    /// The newest `limit` entries, newest first.
    public func recentEntries(limit: Int) async throws -> RecentEntries {
        try await explorerLog.recentEntries(limit: limit)
    }

    /// Entries under a search key from log index `from` on, at most `limit`, and where the next page starts.
    public func searchPage(key: String, from: Int64, limit: Int) async throws -> EntryPage {
        try await ExplorerLog.searchPage([explorerLog], key: key, startLog: nil, from: from, limit: limit)
    }

    /// Entries per bucket over the last `buckets` buckets (see ``ActivityHistogram``).
    public func activity(bucketSeconds: Int64, buckets: Int, now: Date = Date()) async throws -> ActivityHistogram {
        try await explorerLog.activity(bucketSeconds: bucketSeconds, buckets: buckets, now: now)
    }
}
