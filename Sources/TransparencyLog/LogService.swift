import Foundation
import Merkle
import SigstoreKit
import WireFormat

/// The log's operations, independent of HTTP: validate and submit entries, read entries with their
/// proofs and SETs, answer proofs, search and tiles. Request handlers call this and only encode.
public final class LogService: TileServing {
    public let configuration: LogConfiguration
    public let identity: LogIdentity
    public let sequencer: Sequencer
    let store: any LogStore
    let signingKey: SigningKey
    let reader: CachedHashReader

    /// Opens a log over an existing store. Fails closed: a store made for another key, or whose
    /// checkpoint disagrees with its tree, is refused.
    public init(store: any LogStore, signingKey: SigningKey, configuration: LogConfiguration,
                now: @escaping @Sendable () -> Date = { Date() }) async throws {
        let identity = store.identity()
        let cache = HashCache(capacity: configuration.hashCacheCapacity)
        let signer = LogKeyNoteSigner(name: configuration.name, key: signingKey)
        self.sequencer = try await Sequencer(store: store, signer: signer, verifier: signer.verifier,
                                       signerKey: signingKey.verificationKey, cache: cache,
                                       limits: configuration.sequencer, now: now)
        self.configuration = configuration
        self.identity = identity
        self.store = store
        self.signingKey = signingKey
        self.reader = CachedHashReader(store: store, cache: cache)
    }

    /// Creates the database of a new, empty log signed by `signingKey`.
    public static func createStore(path: String, signingKey: SigningKey, name: String,
                                   treeID: Int64 = Int64.random(in: 1...Int64.max)) throws -> SQLiteLogStore {
        let logID = LowercaseHex.encode(signingKey.verificationKey.keyID)
        let origin = "\(name) - \(treeID)"
        let empty = Checkpoint(origin: origin, treeSize: 0, rootHash: RFC6962.emptyTreeHash)
        let note = try SignedCheckpoint.sign(empty, signers: [LogKeyNoteSigner(name: name, key: signingKey)])
        return try SQLiteLogStore.create(path: path, identity: LogIdentity(logID: logID, treeID: treeID, origin: origin),
                                         emptyCheckpoint: note.note.formatted)
    }

    public var publicKey: VerificationKey { signingKey.verificationKey }

    /// The latest durable tree head.
    public var treeHead: StoredTreeHead { sequencer.published.value }

    /// Why the database cannot serve reads right now, or nil when it can (for readiness probes).
    public func storageProblem() async -> String? {
        do { _ = try await store.latestTreeHead(); return nil } catch { return "\(error)" }
    }

    // MARK: Writing

    /// Validates a proposed entry (Rekor v1 JSON) and appends it. Returns the entry and whether it is new.
    public func add(proposedEntry body: [UInt8]) async throws -> (entry: LogEntryView, created: Bool) {
        let canonical: CanonicalEntry
        do {
            canonical = try RekorEntry.canonicalize(proposedEntry: body)
        } catch {
            throw LogError(.badRequest, "\(error)")
        }
        guard canonical.body.count <= configuration.maxEntryBytes else {
            throw LogError(.payloadTooLarge,
                           "the canonicalized entry is \(canonical.body.count) bytes; the limit is \(configuration.maxEntryBytes) bytes")
        }
        let prepared = PreparedEntry(body: canonical.body, kind: canonical.kind,
                                     searchKeys: SearchKey.keys(for: canonical.searchKeys))
        let result: SequencingResult
        do {
            result = try await sequencer.submit(prepared)
        } catch let error as SequencerError {
            switch error {
            case .queueFull, .shuttingDown, .unavailable: throw LogError(.unavailable, error.description, retryAfter: 1)
            case .commitFailed, .stopped: throw LogError(.internalError, error.description)
            }
        }
        switch result {
        case .appended(let entry, let head):
            return (try await LogError.answering(entryAt: entry.index) { try await view(of: entry, head: head) }, true)
        case .duplicate(let entry):
            let head = treeHead
            return (try await LogError.answering(entryAt: entry.index) { try await view(of: entry, head: head) }, false)
        }
    }

    // MARK: Reading

    public func entry(at index: Int64) async throws -> LogEntryView {
        let head = treeHead
        guard index >= 0, index < head.treeSize, let entry = try await store.entry(at: index) else {
            throw LogError(.notFound, "no entry at log index \(index)")
        }
        return try await view(of: entry, head: head)
    }

    /// Looks an entry up by UUID (64 hex: the leaf hash) or EntryID (16 hex tree ID + UUID).
    public func entry(uuid: String) async throws -> LogEntryView {
        // Measured and split as bytes: `Character` counts and prefixes group combining marks.
        let text = Array(uuid.asciiLowercased.utf8)
        let hashHex: ArraySlice<UInt8>
        switch text.count {
        case 64: hashHex = text[...]
        case 80:
            guard text.prefix(16).elementsEqual(EntryID.treeIDHex(identity.treeID).utf8) else {
                throw LogError(.notFound, "entry ID \(JSONError.quoted(uuid, limit: 100)) belongs to another tree than \(EntryID.treeIDHex(identity.treeID))")
            }
            hashHex = text.suffix(64)
        default:
            throw LogError(.badRequest, "entry UUID must be 64 or 80 hex characters, got \(text.count) bytes")
        }
        guard let hash = Hash(hex: String(decoding: hashHex, as: UTF8.self)) else { throw LogError(.badRequest, "entry UUID is not hex") }
        let head = treeHead
        guard let entry = try await store.entry(leafHash: hash), entry.index < head.treeSize else {
            throw LogError(.notFound, "no entry with UUID \(hash.hex)")
        }
        return try await view(of: entry, head: head)
    }

    /// Finds the entry a proposed entry would become, without adding it.
    public func existingEntry(proposedEntry body: [UInt8]) async throws -> LogEntryView? {
        let canonical: CanonicalEntry
        do {
            canonical = try RekorEntry.canonicalize(proposedEntry: body)
        } catch {
            throw LogError(.badRequest, "\(error)")
        }
        let head = treeHead
        guard let entry = try await store.entry(leafHash: RFC6962.leafHash(canonical.body)), entry.index < head.treeSize else {
            return nil
        }
        return try await view(of: entry, head: head)
    }

    /// An entry with its SET and an inclusion proof against `head`.
    func view(of entry: StoredEntry, head: StoredTreeHead) async throws -> LogEntryView {
        let proof = try await makeInclusionProof(leafIndex: entry.index, treeSize: head.treeSize, reader: reader)
        let payload = SignedEntryTimestamp.payload(body: entry.body, integratedTime: entry.integratedTime,
                                                   logID: signingKey.verificationKey.keyID, logIndex: entry.index)
        return LogEntryView(entry: entry, entryID: EntryID.treeIDHex(identity.treeID) + entry.leafHash.hex,
                            logID: identity.logID, signedEntryTimestamp: try signingKey.sign(payload),
                            proof: proof, rootHash: head.rootHash, checkpoint: head.checkpoint)
    }

    /// RFC 6962 consistency proof between two tree sizes of this log, with the newer root.
    public func consistencyProof(firstSize: Int64, lastSize: Int64) async throws -> (proof: ConsistencyProof, rootHash: Hash) {
        let head = treeHead
        guard firstSize >= 0, lastSize >= firstSize else {
            throw LogError(.badRequest, "firstSize (\(firstSize)) must be between 0 and lastSize (\(lastSize))")
        }
        guard lastSize <= head.treeSize else {
            throw LogError(.badRequest, "lastSize (\(lastSize)) is beyond the current tree size (\(head.treeSize))")
        }
        // To the current tree (what monitors ask for) the root is the signed head's: no stored hashes
        // to read and fold. An older size's root is folded from its stored subtrees.
        let root = lastSize == head.treeSize ? head.rootHash : try await treeHash(treeSize: lastSize, reader: reader)
        if firstSize == 0 || firstSize == lastSize {
            return (ConsistencyProof(oldSize: firstSize, newSize: lastSize, hashes: []), root)
        }
        return (try await makeConsistencyProof(oldSize: firstSize, newSize: lastSize, reader: reader), root)
    }

    /// Inclusion proof of a leaf in a tree of a given size (an auditor's "prove index i in size n").
    public func inclusionProof(leafIndex: Int64, treeSize: Int64) async throws -> InclusionProof {
        let head = treeHead
        guard treeSize >= 1, treeSize <= head.treeSize else {
            throw LogError(.badRequest, "treeSize (\(treeSize)) must be between 1 and the current tree size (\(head.treeSize))")
        }
        guard leafIndex >= 0, leafIndex < treeSize else {
            throw LogError(.badRequest, "leaf index \(leafIndex) is not inside a tree of size \(treeSize)")
        }
        return try await makeInclusionProof(leafIndex: leafIndex, treeSize: treeSize, reader: reader)
    }

    /// The signed checkpoint published for exactly `treeSize`, if any.
    public func checkpoint(treeSize: Int64) async throws -> String? { try await store.checkpoint(treeSize: treeSize) }

    /// Log indexes under a search key, ascending, within the published tree.
    public func search(key: String) async throws -> [Int64] {
        let size = treeHead.treeSize
        return try await store.search(key: key, limit: configuration.maxBulkItems).filter { $0 < size }
    }

    /// The UUIDs (leaf hashes, hex) of entries at these indexes.
    public func uuids(ofIndexes indexes: [Int64]) async throws -> [String] {
        // A UUID is the leaf hash, which the tree stores at level 0: one read for all of them (none
        // for cached ones) instead of one entry row per index.
        let present = indexes.filter { (0..<treeHead.treeSize).contains($0) }
        let leaves = try await reader.readHashes(at: present.map { StoredHashes.index(level: 0, index: $0) })
        return leaves.map(\.hex)
    }

    // MARK: Tiles (c2sp.org/tlog-tiles)

    public func tile(_ coordinate: Tiles.Coordinate) async throws -> [UInt8]? {
        try await TileFiles(store: store, reader: reader).tile(coordinate, treeSize: treeHead.treeSize)
    }

    public func entryBundle(_ bundle: Tiles.EntryBundle) async throws -> [UInt8]? {
        try await TileFiles(store: store, reader: reader).entryBundle(bundle, treeSize: treeHead.treeSize)
    }
}

/// Rekor's EntryID: the tree ID as 16 hex digits, then the 64-hex UUID.
enum EntryID {
    static func treeIDHex(_ treeID: Int64) -> String {
        let hex = String(UInt64(bitPattern: treeID), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension LogService {
    /// Reads every stored hash of the current tree into the hash cache (as far as it holds them), so
    /// proofs are served from memory from the first request. Optional: a cold log is correct, just slower.
    public func preloadHashCache() async throws {
        let total = StoredHashes.count(treeSize: treeHead.treeSize)
        var next: Int64 = 0
        while next < total {
            let end = min(next + 65_536, total)
            _ = try await reader.readHashes(at: Array(next..<end))
            next = end
        }
    }
}
