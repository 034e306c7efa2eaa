import Foundation
import Merkle

/// One log the explorer reads, named as its API and page name it: the Rekor v1 log (`v1`) or the
/// Rekor v2 log (`v2`). Each read stays within the log's published tree: nothing past the current
/// checkpoint is shown.
public struct ExplorerLog: Sendable {
    /// Which log an entry or a page position belongs to; log indexes are per log.
    public enum Name: String, Codable, Sendable, CaseIterable {
        case v1, v2
    }

    public let name: Name
    let store: any LogStore
    let treeSize: @Sendable () -> Int64

    init(name: Name, store: any LogStore, treeSize: @escaping @Sendable () -> Int64) {
        self.name = name
        self.store = store
        self.treeSize = treeSize
    }

    /// The newest `limit` entries, newest first.
    public func recentEntries(limit: Int) async throws -> RecentEntries {
        let size = treeSize()
        let entries = try await store.entries(in: max(0, size - Int64(limit))..<size)
        return RecentEntries(treeSize: size, entries: entries.reversed().map { EntrySummary($0, log: name) })
    }

    /// The newest `limit` published checkpoints, newest first.
    public func checkpointHistory(limit: Int) async throws -> CheckpointHistory {
        let records = try await store.checkpoints(atMost: treeSize(), limit: limit)
        return CheckpointHistory(checkpoints: records.map { CheckpointRecord(treeSize: $0.treeSize, note: $0.note) })
    }

    /// The entry at `index`, or nil when the published tree has none there.
    public func entry(at index: Int64) async throws -> EntrySummary? {
        guard index >= 0, index < treeSize(), let entry = try await store.entry(at: index) else { return nil }
        return EntrySummary(entry, log: name)
    }

    /// The entry whose leaf hash (UUID) is `leafHash`, or nil when the published tree has none.
    public func entry(leafHash: Hash) async throws -> EntrySummary? {
        guard let entry = try await store.entry(leafHash: leafHash), entry.index < treeSize() else { return nil }
        return EntrySummary(entry, log: name)
    }

    /// Entries per bucket over the last `buckets` buckets (see ``ActivityHistogram``).
    public func activity(bucketSeconds: Int64, buckets: Int, now: Date = Date()) async throws -> ActivityHistogram {
        try await ActivityHistogram.count(treeSize: treeSize(), now: Int64(now.timeIntervalSince1970),
                                          bucketSeconds: bucketSeconds, buckets: buckets) { index in
            guard let entry = try await store.entry(at: index) else {
                throw LogError(.internalError, "\(name.rawValue) log index \(index) is inside the tree but not stored")
            }
            return entry.integratedTime
        }
    }

    /// Log indexes under `key` from `from` on, at most `limit`, within the published tree.
    func search(key: String, from: Int64, limit: Int) async throws -> [Int64] {
        let size = treeSize()
        return try await store.search(key: key, from: from, limit: limit).filter { $0 < size }
    }

    /// Entries under a search key across `logs`, in that order (all of one log's, then the next's):
    /// from log index `from` in the log named `startLog` (the first log when nil) on, at most
    /// `limit`, and the log and index the next page starts at.
    public static func searchPage(_ logs: [ExplorerLog], key: String, startLog: Name?, from: Int64, limit: Int) async throws -> EntryPage {
        var position = startLog.flatMap { start in logs.firstIndex { $0.name == start } } ?? 0
        var from = from
        var entries: [EntrySummary] = []
        while position < logs.count {
            let log = logs[position]
            // One more than still fits: it tells whether a next page starts in this log.
            for index in try await log.search(key: key, from: from, limit: limit - entries.count + 1) {
                if entries.count == limit { return EntryPage(entries: entries, next: index, nextLog: log.name) }
                guard let entry = try await log.store.entry(at: index) else {
                    throw LogError(.internalError, "the \(log.name.rawValue) log's search index names log index \(index), which is not stored")
                }
                entries.append(EntrySummary(entry, log: log.name))
            }
            position += 1
            from = 0
        }
        return EntryPage(entries: entries, next: nil, nextLog: nil)
    }
}

extension RekorV2Log {
    /// The v2 log as the explorer reads it.
    public var explorerLog: ExplorerLog {
        ExplorerLog(name: .v2, store: store, treeSize: { [sequencer] in sequencer.published.value.treeSize })
    }
}

extension LogService {
    /// The v1 log as the explorer reads it.
    public var explorerLog: ExplorerLog {
        ExplorerLog(name: .v1, store: store, treeSize: { [sequencer] in sequencer.published.value.treeSize })
    }
}
