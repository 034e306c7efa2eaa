import Crypto
import Foundation
import Merkle
import Synchronization
import SigstoreKit
import SwiftASN1
import X509
import WireFormat

/// The certificate-transparency log that lives beside the transparency log (RFC 6962 §4): a second
/// tree with its own key and database, taking precertificates from the CA and answering SCTs only
/// after the entry is durable (no merge delay). Checkpoints are signed as static-ct-api notes, so
/// `get-sth` is read straight off the latest one.
public final class CTLogService: Sendable {
    public let name: String
    public let sequencer: Sequencer
    let store: any LogStore
    let signingKey: SigningKey
    let reader: CachedHashReader
    /// Root certificates whose chains the log accepts (DER).
    public let acceptedRoots: [Certificate]
    let now: @Sendable () -> Date
    /// Issuer chains (everything after the precertificate) already checked up to an accepted root,
    /// by SHA-256 of their DER, with their parsed first certificate. The same CA submits the same
    /// chain every time, and re-parsing it and re-verifying its P-384 root signature per certificate
    /// would cost more than the rest of the request.
    let trustedIssuerChains = Mutex<[[UInt8]: TrustedIssuer]>([:])

    /// The certificate that issued precertificates, and the SHA-256 of its SubjectPublicKeyInfo that
    /// each precertificate entry carries (re-encoding the key from its parsed point per request
    /// costs a field inversion).
    struct TrustedIssuer {
        let certificate: Certificate
        let keyHash: [UInt8]
    }

    /// Most entries one `get-entries` call answers.
    public static let maxEntriesPerRequest: Int64 = 256

    public init(store: any LogStore, signingKey: SigningKey, acceptedRoots: [Certificate],
                limits: Sequencer.Limits = .init(), cacheCapacity: Int = 1 << 18,
                now: @escaping @Sendable () -> Date = { Date() }) async throws {
        let identity = store.identity()
        let cache = HashCache(capacity: cacheCapacity)
        let signer = RFC6962NoteSigner(name: identity.origin, key: signingKey, now: now)
        self.sequencer = try await Sequencer(store: store, signer: signer, verifier: signer.verifier,
                                       signerKey: signingKey.verificationKey, cache: cache, metricsName: "ct", limits: limits, now: now)
        self.name = identity.origin
        self.store = store
        self.signingKey = signingKey
        self.reader = CachedHashReader(store: store, cache: cache)
        self.acceptedRoots = acceptedRoots
        self.now = now
    }

    /// Creates the database of a new, empty CT log whose checkpoint origin (and key name) is `name`.
    public static func createStore(path: String, signingKey: SigningKey, name: String) throws -> SQLiteLogStore {
        let signer = RFC6962NoteSigner(name: name, key: signingKey)
        let empty = Checkpoint(origin: name, treeSize: 0, rootHash: RFC6962.emptyTreeHash)
        let note = try SignedCheckpoint.sign(empty, signers: [signer])
        let identity = LogIdentity(logID: LowercaseHex.encode(signingKey.verificationKey.keyID), treeID: 1, origin: name)
        return try SQLiteLogStore.create(path: path, identity: identity, emptyCheckpoint: note.note.formatted)
    }

    /// The log ID: SHA-256 of the log key's SPKI.
    public var logID: [UInt8] { signingKey.verificationKey.keyID }
    public var publicKey: VerificationKey { signingKey.verificationKey }
    public var treeHead: StoredTreeHead { sequencer.published.value }

    /// Why the database cannot serve reads right now, or nil when it can (for readiness probes).
    public func storageProblem() async -> String? {
        do { _ = try await store.latestTreeHead(); return nil } catch { return "\(error)" }
    }

    /// `add-pre-chain`: validates the chain, logs the precertificate and answers its SCT.
    /// `parsedPrecertificate`, from a CA in the same process, is `chain[0]` as it was parsed or
    /// built before being serialised into it, and is checked instead of parsing `chain[0]` again.
    public func addPreChain(_ chain: [[UInt8]], parsedPrecertificate: Certificate? = nil) async throws -> SignedCertificateTimestamp {
        let (precert, issuer) = try validate(chain, parsedPrecertificate: parsedPrecertificate)
        let tbs: [UInt8]
        do { tbs = try PrecertificateTBS.fromPrecertificate(precert) } catch {
            throw LogError(.badRequest, "precertificate: \(error)")
        }
        let entry = PrecertLogEntry(timestamp: UInt64(now().timeIntervalSince1970 * 1000),
                                    issuerKeyHash: issuer.keyHash, tbsCertificate: tbs)
        let extra = try PrecertLogEntry.chainEntry(precertificate: chain[0], chain: Array(chain.dropFirst()))
        let prepared = PreparedEntry(body: try entry.leafInput(), kind: "precert", searchKeys: [], extra: extra)
        do {
            _ = try await sequencer.submit(prepared)
        } catch let error as SequencerError {
            switch error {
            case .queueFull, .shuttingDown, .unavailable: throw LogError(.unavailable, error.description, retryAfter: 1)
            case .commitFailed, .stopped: break
            }
            throw LogError(.internalError, error.description)
        }
        let signature = try signingKey.sign(try entry.signedData())
        return SignedCertificateTimestamp(logID: logID, timestamp: entry.timestamp, extensions: [],
                                          hashAlgorithm: .sha256, signatureAlgorithm: .ecdsa, signature: signature)
    }

    /// Checks that `chain[0]` is a precertificate (critical poison extension) issued by `chain[1]`,
    /// every link is signed by the next, and the chain ends at or under an accepted root.
    func validate(_ chain: [[UInt8]], parsedPrecertificate: Certificate? = nil) throws -> (precert: Certificate, issuer: TrustedIssuer) {
        guard chain.count >= 2, chain.count <= 10 else {
            throw LogError(.badRequest, "chain must hold the precertificate and 1 to 9 issuers, got \(chain.count) certificates")
        }
        let precert = try parsedPrecertificate ?? Self.parse(chain[0], index: 0)
        guard let poison = precert.extensions[oid: SignedCertificateTimestampList.poisonOID], poison.critical,
              poison.value == [0x05, 0x00] else {
            throw LogError(.badRequest, "chain[0] is not a precertificate: it lacks the critical poison extension")
        }
        let issuerChainKey = Array(SHA256.hash(data: Array(chain.dropFirst().joined())))
        let issuer = try trustedIssuerChains.withLock({ $0[issuerChainKey] }) ?? validateIssuerChain(chain, key: issuerChainKey)
        try checkSignature(of: precert, by: issuer.certificate)
        return (precert, issuer)
    }

    /// Checks `chain[1...]` link by link up to an accepted root and remembers it; returns `chain[1]`.
    func validateIssuerChain(_ chain: [[UInt8]], key: [UInt8]) throws -> TrustedIssuer {
        let issuers = try chain.enumerated().dropFirst().map { index, der in try Self.parse(der, index: index) }
        for (child, parent) in zip(issuers, issuers.dropFirst()) {
            try checkSignature(of: child, by: parent)
        }
        let last = issuers[issuers.count - 1]
        let anchored = acceptedRoots.contains { root in
            root == last || (last.issuer == root.subject && root.publicKey.isValidSignature(last.signature, for: last))
        }
        guard anchored else { throw LogError(.badRequest, "the chain does not end at a root this log accepts") }
        var issuerSPKI = DER.Serializer()
        try issuerSPKI.serialize(issuers[0].publicKey)
        let trusted = TrustedIssuer(certificate: issuers[0], keyHash: Array(SHA256.hash(data: issuerSPKI.serializedBytes)))
        trustedIssuerChains.withLock { chains in
            if chains.count >= 64 { chains.removeAll() }
            chains[key] = trusted
        }
        return trusted
    }

    static func parse(_ der: [UInt8], index: Int) throws -> Certificate {
        do { return try Certificate(derEncoded: der) } catch {
            throw LogError(.badRequest, "chain[\(index)] is not a DER certificate")
        }
    }

    func checkSignature(of child: Certificate, by parent: Certificate) throws {
        guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
            throw LogError(.badRequest, "the chain is broken: \(child.subject) is not signed by \(parent.subject)")
        }
    }

    /// `get-sth`: the latest tree head with its RFC 6962 signature, read from the checkpoint note.
    public func signedTreeHead() throws -> (treeSize: Int64, timestamp: UInt64, rootHash: Hash, signature: [UInt8]) {
        let head = treeHead
        let note = try SignedNote(parsing: head.checkpoint)
        let verifier = RFC6962NoteVerifier(name: name, key: publicKey)
        guard let line = note.signatures.first(where: { $0.name.isExactly(name) && $0.keyHint == verifier.keyHint }) else {
            throw LogError(.internalError, "the latest checkpoint carries no RFC 6962 signature")
        }
        let (timestamp, signed) = try RFC6962NoteSignature.split(line.signature)
        return (head.treeSize, timestamp, head.rootHash, signed)
    }

    /// `get-sth-consistency`.
    public func consistency(first: Int64, second: Int64) async throws -> [Hash] {
        guard first >= 0, second >= first, second <= treeHead.treeSize else {
            throw LogError(.badRequest, "need 0 <= first <= second <= \(treeHead.treeSize), got first=\(first) second=\(second)")
        }
        if first == 0 || first == second { return [] }
        return try await makeConsistencyProof(oldSize: first, newSize: second, reader: reader).hashes
    }

    /// `get-proof-by-hash`.
    public func proof(leafHash: Hash, treeSize: Int64) async throws -> (index: Int64, path: [Hash]) {
        guard treeSize >= 1, treeSize <= treeHead.treeSize else {
            throw LogError(.badRequest, "tree_size must be between 1 and \(treeHead.treeSize)")
        }
        guard let entry = try await store.entry(leafHash: leafHash), entry.index < treeSize else {
            throw LogError(.notFound, "no entry with that leaf hash in the tree of size \(treeSize)")
        }
        return (entry.index, try await makeInclusionProof(leafIndex: entry.index, treeSize: treeSize, reader: reader).hashes)
    }

    /// `get-entries`: at most `maxEntriesPerRequest`, clipped to the tree.
    public func entries(start: Int64, end: Int64) async throws -> [StoredEntry] {
        let size = treeHead.treeSize
        guard start >= 0, end >= start, start < size else {
            throw LogError(.badRequest, "need 0 <= start <= end and start < tree size \(size), got start=\(start) end=\(end)")
        }
        let last = min(end, size - 1, start + Self.maxEntriesPerRequest - 1)
        return try await store.entries(in: start..<(last + 1))
    }
}
