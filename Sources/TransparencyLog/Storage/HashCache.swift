import Merkle
import Synchronization

/// A fixed-size, direct-mapped cache of stored tree hashes, so warm proofs and tiles never touch
/// SQLite. Memory is bounded (`capacity` × 40 bytes); a colliding index simply replaces the older one.
public final class HashCache: Sendable {
    struct Slots {
        var tags: [Int64]
        var hashes: [Hash]
    }

    private let slots: Mutex<Slots>
    private let mask: Int

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int) {
        var size = 1
        while size < max(capacity, 1) { size <<= 1 }
        mask = size - 1
        slots = Mutex(Slots(tags: Array(repeating: -1, count: size),
                            hashes: Array(repeating: RFC6962.emptyTreeHash, count: size)))
    }

    /// The cached hash for each index, or nil.
    func lookup(_ indexes: [Int64]) -> [Hash?] {
        slots.withLock { slots in
            indexes.map { index in
                let slot = Int(truncatingIfNeeded: index) & mask
                return slots.tags[slot] == index ? slots.hashes[slot] : nil
            }
        }
    }

    func insert(_ indexes: [Int64], _ hashes: [Hash]) {
        slots.withLock { slots in
            for (index, hash) in zip(indexes, hashes) {
                let slot = Int(truncatingIfNeeded: index) & mask
                slots.tags[slot] = index
                slots.hashes[slot] = hash
            }
        }
    }

    /// Caches the stored hashes an appended leaf created (contiguous, from its level-0 index).
    func insert(leafIndex: Int64, storedHashes: [Hash]) {
        let first = StoredHashes.index(level: 0, index: leafIndex)
        insert(Array(first..<(first + Int64(storedHashes.count))), storedHashes)
    }
}

/// Reads stored hashes from the cache first and from the store for the rest, in one awaited store
/// call: a warm proof never waits on the disk, a cold one waits for a single read transaction.
struct CachedHashReader: AsyncHashReader {
    let store: any LogStore
    let cache: HashCache

    func readHashes(at indexes: [Int64]) async throws -> [Hash] {
        let cached = cache.lookup(indexes)
        var missing: [Int64] = []
        for (index, hash) in zip(indexes, cached) where hash == nil { missing.append(index) }
        if missing.isEmpty { return cached.map { $0! } }
        let fetched = try await store.readHashes(at: missing)
        cache.insert(missing, fetched)
        var next = fetched.makeIterator()
        return cached.map { $0 ?? next.next()! }
    }
}
