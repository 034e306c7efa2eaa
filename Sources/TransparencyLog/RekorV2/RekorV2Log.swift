import Crypto
import Foundation
import Merkle
import SigstoreKit
import WireFormat

/// A Rekor v2 log (rekor-tiles' write API on Sigil's log engine): its own tree, database and Ed25519
/// key, `hashedrekord` 0.0.2 entries only, C2SP signed-note checkpoints and tlog-tiles reads.
///
/// The checkpoint origin, and the name on its signature line, is the host name of the log's base
/// URL without the port (what sigstore-go and cosign derive from the trusted root's `baseUrl`);
/// the key ID is `SHA-256(origin || 0x0A || 0x01 || public key)`, whose first four bytes are the
/// signature line's key hint and whose 32 bytes are the log ID (`logId.keyId`). The origin is fixed
/// when the database is created and read back from it.
///
/// Writes go through the same ``Sequencer`` as the v1 log: a write is answered once its batch is
/// durable and covered by the batch's signed checkpoint, with an inclusion proof to that checkpoint.
public final class RekorV2Log: TileServing {
    /// Where the v2 log is served on the log server: its base URL is the log server's URL plus this
    /// path, so its `checkpoint` and `tile/…` do not collide with the v1 log's at the root.
    public static let basePath = "/rekor-v2"

    public let configuration: LogConfiguration
    public let sequencer: Sequencer
    /// The checkpoint origin: the host name of the log's base URL.
    public let origin: String
    /// The full C2SP key ID: the trusted root's and the answers' `logId.keyId`.
    public let keyID: NoteKeyID
    /// The checkpoint key, for those who pin it (the explorer).
    public let publicKey: VerificationKey
    let store: any LogStore
    let reader: CachedHashReader

    /// Opens a v2 log over an existing store. Fails closed: the store must have been made for this
    /// Ed25519 key, and its latest checkpoint must verify with it and match the stored tree.
    public init(store: any LogStore, signingKey: SigningKey, configuration: LogConfiguration) async throws {
        guard case .ed25519 = signingKey.verificationKey.kind else {
            throw LogStartupError.unsuitableKey("a Rekor v2 log signs with Ed25519, not \(signingKey.verificationKey.kind)")
        }
        let origin = store.identity().origin
        let signer = Self.noteSigner(origin: origin, key: signingKey)
        let cache = HashCache(capacity: configuration.hashCacheCapacity)
        self.sequencer = try await Sequencer(store: store, signer: signer, verifier: signer.verifier,
                                             signerKey: signingKey.verificationKey, cache: cache, metricsName: "rekor-v2",
                                             limits: configuration.sequencer)
        self.configuration = configuration
        self.origin = origin
        self.keyID = NoteKeyID(rekorV2Origin: origin, key: signingKey.verificationKey)
        self.publicKey = signingKey.verificationKey
        self.store = store
        self.reader = CachedHashReader(store: store, cache: cache)
    }

    /// The note signer of a v2 log: Ed25519 under the origin, with the C2SP key hint.
    static func noteSigner(origin: String, key: SigningKey) -> LogKeyNoteSigner {
        LogKeyNoteSigner(name: origin, key: key, keyHint: NoteKeyID(rekorV2Origin: origin, key: key.verificationKey).hint)
    }

    /// Creates the database of a new, empty v2 log whose checkpoints name `origin` and are signed by
    /// `signingKey` (Ed25519).
    public static func createStore(path: String, signingKey: SigningKey, origin: String) throws -> SQLiteLogStore {
        guard case .ed25519 = signingKey.verificationKey.kind else {
            throw LogStartupError.unsuitableKey("a Rekor v2 log signs with Ed25519, not \(signingKey.verificationKey.kind)")
        }
        let empty = Checkpoint(origin: origin, treeSize: 0, rootHash: RFC6962.emptyTreeHash)
        let note = try SignedCheckpoint.sign(empty, signers: [noteSigner(origin: origin, key: signingKey)])
        let identity = LogIdentity(logID: LowercaseHex.encode(signingKey.verificationKey.keyID),
                                   treeID: Int64.random(in: 1...Int64.max), origin: origin)
        return try SQLiteLogStore.create(path: path, identity: identity, emptyCheckpoint: note.note.formatted)
    }

    /// The checkpoint origin for a log served at `baseURL`: its host name without port (and without
    /// the brackets of an IPv6 literal), as Go's `url.URL.Hostname()` gives it.
    public static func origin(forBaseURL baseURL: String) -> String? {
        guard let components = URLComponents(string: baseURL), let host = components.host, !host.isEmpty else { return nil }
        var name = Substring(host)
        if name.first == "[", name.last == "]" { name = name.dropFirst().dropLast() }
        return String(name)
    }

    /// The latest durable tree head.
    public var treeHead: StoredTreeHead { sequencer.published.value }

    /// Why the database cannot serve reads right now, or nil when it can (for readiness probes).
    public func storageProblem() async -> String? {
        do { _ = try await store.latestTreeHead(); return nil } catch { return "\(error)" }
    }

    // MARK: Writing

    /// Validates a `CreateEntry` request (a hashedrekord, or a DSSE envelope, which is logged as the
    /// hashedrekord over its PAE and indexed by its subjects) and appends its entry. Refusals throw
    /// ``LogError`` before anything is queued: 400 for a malformed request, a disallowed key type or
    /// a bad signature, 413 for an oversized entry, 409 (with the index) for an entry the log already
    /// holds, 503 when the queue is full.
    public func add(request body: [UInt8]) async throws -> RekorV2Entry {
        let request: RekorV2EntryRequest
        do {
            request = try RekorV2EntryRequest(parsing: body)
        } catch {
            throw LogError(.badRequest, "\(error)")
        }
        let canonical = request.entry.canonicalBody
        guard canonical.count <= configuration.maxEntryBytes else {
            throw LogError(.payloadTooLarge, "the canonicalized entry is \(canonical.count) bytes; the limit is \(configuration.maxEntryBytes) bytes")
        }
        let result: SequencingResult
        do {
            result = try await sequencer.submit(PreparedEntry(body: canonical, kind: HashedRekordV002.kind, searchKeys: SearchKey.keys(for: request.searchKeys)))
        } catch let error as SequencerError {
            switch error {
            case .queueFull, .shuttingDown, .unavailable: throw LogError(.unavailable, error.description, retryAfter: 1)
            case .commitFailed, .stopped: throw LogError(.internalError, error.description)
            }
        }
        switch result {
        case .appended(let stored, let head):
            let proof = try await LogError.answering(entryAt: stored.index) {
                try await makeInclusionProof(leafIndex: stored.index, treeSize: head.treeSize, reader: reader)
            }
            return RekorV2Entry(logIndex: stored.index, keyID: keyID, body: stored.body, proof: proof,
                                rootHash: head.rootHash, checkpoint: head.checkpoint)
        case .duplicate(let stored):
            var conflict = LogError(.conflict, "an equivalent entry already exists in the log at index \(stored.index)")
            conflict.logIndex = stored.index
            throw conflict
        }
    }

    // MARK: Tiles (c2sp.org/tlog-tiles)

    public func tile(_ coordinate: Tiles.Coordinate) async throws -> [UInt8]? {
        try await TileFiles(store: store, reader: reader).tile(coordinate, treeSize: treeHead.treeSize)
    }

    public func entryBundle(_ bundle: Tiles.EntryBundle) async throws -> [UInt8]? {
        try await TileFiles(store: store, reader: reader).entryBundle(bundle, treeSize: treeHead.treeSize)
    }
}

/// A new v2 entry as the log answers it: everything a bundle's `TransparencyLogEntry` holds.
public struct RekorV2Entry: Sendable {
    public let logIndex: Int64
    public let keyID: NoteKeyID
    /// The canonicalized body.
    public let body: [UInt8]
    /// Inclusion proof to `checkpoint`'s tree.
    public let proof: InclusionProof
    public let rootHash: Hash
    /// The signed checkpoint the proof leads to.
    public let checkpoint: String

    /// `dev.sigstore.rekor.v1.TransparencyLogEntry`: `kindVersion` hashedrekord/0.0.2, no inclusion
    /// promise, `integratedTime` 0 (Rekor v2 has no integrated time; clients must ignore it).
    public var transparencyLogEntry: BundleLogEntry {
        BundleLogEntry(logIndex: logIndex, logID: keyID.bytes, kind: HashedRekordV002.kind, version: HashedRekordV002.apiVersion,
                       integratedTime: 0, inclusionPromise: nil,
                       inclusionProof: .init(logIndex: logIndex, rootHash: rootHash.bytes, treeSize: proof.treeSize,
                                             hashes: proof.hashes.map(\.bytes), checkpoint: checkpoint),
                       canonicalizedBody: body)
    }
}
