/// Entries per time bucket (the explorer's "entries per hour" chart), counted without scanning the
/// log: integrated times never decrease along the log (one sequencer stamps batches in order), so
/// the first index at or after each bucket boundary is a binary search, and a bucket's count is the
/// difference of two such indexes. `O(buckets · log n)` reads whatever the log's size.
///
/// If the clock was ever stepped back, times are not sorted and the counts near that step are
/// approximate; the total over all buckets is still exact.
public struct ActivityHistogram: Codable, Sendable, Equatable {
    /// Unix seconds where the first bucket starts.
    public let start: Int64
    public let bucketSeconds: Int64
    /// Entries integrated in `[start + k·bucketSeconds, start + (k+1)·bucketSeconds)`, oldest first.
    public let counts: [Int64]

    /// `buckets` buckets ending with the one that holds `now`, aligned to `bucketSeconds`.
    /// `timeAt(i)` is the integrated time of the entry at index `i`, for `0 <= i < treeSize`.
    public static func count(treeSize: Int64, now: Int64, bucketSeconds: Int64, buckets: Int,
                             timeAt: (Int64) async throws -> Int64) async throws -> ActivityHistogram {
        precondition(bucketSeconds > 0 && buckets > 0, "ActivityHistogram: bad bucket settings")
        let end = (now / bucketSeconds + 1) * bucketSeconds
        let start = end - Int64(buckets) * bucketSeconds
        var boundaries: [Int64] = []
        var low: Int64 = 0
        for k in 0...buckets {
            let time = start + Int64(k) * bucketSeconds
            low = try await firstIndex(atOrAfter: time, from: low, treeSize: treeSize, timeAt: timeAt)
            boundaries.append(low)
        }
        let counts = (0..<buckets).map { boundaries[$0 + 1] - boundaries[$0] }
        return ActivityHistogram(start: start, bucketSeconds: bucketSeconds, counts: counts)
    }

    /// The smallest index in `[from, treeSize]` whose time is `>= time` (`treeSize` if none is).
    static func firstIndex(atOrAfter time: Int64, from: Int64, treeSize: Int64,
                           timeAt: (Int64) async throws -> Int64) async throws -> Int64 {
        var low = from, high = treeSize
        while low < high {
            let mid = low + (high - low) / 2
            if try await timeAt(mid) < time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
