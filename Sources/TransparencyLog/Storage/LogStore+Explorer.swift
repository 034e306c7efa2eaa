/// Reads the explorer pages (`/explorer/`) need beyond the Rekor API: a page of search results
/// starting at a log index, and the most recent published checkpoints.
///
/// Both are protocol requirements with slow but correct defaults, so a backend that does not
/// implement them still answers; `SQLiteLogStore` answers each in one indexed query.
public protocol ExplorerReads {
    /// Log indexes recorded under a search key that are `>= from`, ascending, at most `limit`.
    func search(key: String, from: Int64, limit: Int) async throws -> [Int64]
    /// Published checkpoints for tree sizes `<= atMost`, newest first, at most `limit`.
    func checkpoints(atMost treeSize: Int64, limit: Int) async throws -> [(treeSize: Int64, note: String)]
}

extension LogStore {
    /// Default: the whole key's list, cut in memory.
    public func search(key: String, from: Int64, limit: Int) async throws -> [Int64] {
        Array(try await search(key: key, limit: Int.max).filter { $0 >= from }.prefix(limit))
    }

    /// Default: probes sizes downwards; checkpoints are stored per batch, so a few probes find them.
    public func checkpoints(atMost treeSize: Int64, limit: Int) async throws -> [(treeSize: Int64, note: String)] {
        var found: [(treeSize: Int64, note: String)] = []
        var size = treeSize
        var probes = 0
        while size >= 0, found.count < limit, probes < 4_096 {
            if let note = try await checkpoint(treeSize: size) { found.append((size, note)) }
            size -= 1
            probes += 1
        }
        return found
    }
}
