#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Merkle
import Synchronization

/// A fixed-size, direct-mapped cache of stored tree hashes, so warm proofs and tiles never touch
/// SQLite. Memory is bounded (`capacity` × 40 bytes); a colliding index simply replaces the older one.
/// The slots are anonymous zero pages, so an idle or young log holds in memory only the pages it has
/// used, not the whole reservation (filling every slot at start made an idle `sigil-server all`,
/// three logs, cost most of its resident memory before its first entry).
public final class HashCache: Sendable {
    /// Slot memory: `tags[slot]` is the cached index + 1 (0: empty, which zero pages are), and
    /// `hashes[slot]` its hash. Only touched under the mutex.
    struct Slots: ~Copyable {
        let tags: UnsafeMutablePointer<Int64>
        let hashes: UnsafeMutablePointer<Hash>
        let count: Int

        init(count: Int) {
            self.count = count
            tags = Self.zeroPages(count, of: Int64.self)
            hashes = Self.zeroPages(count, of: Hash.self)
        }

        deinit {
            munmap(tags, count * MemoryLayout<Int64>.stride)
            munmap(hashes, count * MemoryLayout<Hash>.stride)
        }

        /// Memory the kernel maps on first touch, already zero (an all-zero `Hash` is a valid value).
        private static func zeroPages<T>(_ count: Int, of type: T.Type) -> UnsafeMutablePointer<T> {
            let bytes = count * MemoryLayout<T>.stride
            guard let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  memory != MAP_FAILED else {
                fatalError("cannot reserve \(bytes) bytes for the tree hash cache")
            }
            return memory.bindMemory(to: T.self, capacity: count)
        }
    }

    private let slots: Mutex<Slots>
    private let mask: Int

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int) {
        var size = 1
        while size < max(capacity, 1) { size <<= 1 }
        mask = size - 1
        slots = Mutex(Slots(count: size))
    }

    /// The cached hash for each index, or nil.
    func lookup(_ indexes: [Int64]) -> [Hash?] {
        slots.withLock { slots in
            indexes.map { index in
                let slot = Int(truncatingIfNeeded: index) & mask
                return slots.tags[slot] == index &+ 1 ? slots.hashes[slot] : nil
            }
        }
    }

    func insert(_ indexes: [Int64], _ hashes: [Hash]) {
        slots.withLock { slots in
            for (index, hash) in zip(indexes, hashes) {
                let slot = Int(truncatingIfNeeded: index) & mask
                slots.tags[slot] = index &+ 1
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
