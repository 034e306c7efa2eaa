import Foundation
import WireFormat

/// The client workflow of the TUF specification (§5.3) as pure logic: the metadata trusted so far
/// and the checks each newer file must pass to replace it. No I/O: the updater feeds it bytes, from
/// the cache or the repository, in the order the specification gives (root chain, timestamp,
/// snapshot, targets) and persists what it accepts.
///
/// Each update verifies signatures against the trusted root's keys and threshold, the role's type,
/// and versions against both the trusted copy (rollback) and the referring metadata (mix-and-match);
/// length and hashes where the referrer recorded them (arbitrary software); and expiry against one
/// reference time fixed for the whole refresh (freeze). A file that verifies but has expired is
/// still kept, as python-tuf keeps it, so that its version guards against rollback, and the
/// expiry is reported as the error.
public struct TUFTrustedSet: Sendable {
    public private(set) var root: TUFMetadata
    public private(set) var rootContent: TUFRootContent
    public private(set) var timestamp: TUFMetadata?
    public private(set) var snapshot: TUFMetadata?
    public private(set) var targets: TUFMetadata?
    /// What the trusted timestamp records about snapshot.json.
    public private(set) var snapshotMeta: TUFFileMeta?
    /// What the trusted snapshot records about each metadata file.
    public private(set) var snapshotListing: [ExactString: TUFFileMeta] = [:]
    public private(set) var targetsContent: TUFTargetsContent?
    /// The time expiry is judged at, fixed when the refresh starts.
    public let referenceTime: Date

    /// Trusts `bytes` as the root to start from (the bootstrap root, or the cached latest one). It
    /// must still be signed by a threshold of its own root keys.
    public init(root bytes: [UInt8], referenceTime: Date) throws(TUFError) {
        let metadata = try TUFMetadata(parsing: bytes, role: .root)
        let content = try TUFRootContent(metadata)
        try content.verify(metadata, as: .root, fileName: "root.json version \(metadata.version)")
        root = metadata
        rootContent = content
        self.referenceTime = referenceTime
    }

    /// Accepts the next root, `version + 1`, signed by a threshold of the trusted root's root keys
    /// and of its own (§5.3.4). Expiry is not checked here: intermediate roots may have expired.
    public mutating func updateRoot(_ bytes: [UInt8]) throws(TUFError) {
        let expected = root.version + 1
        let name = "\(expected).root.json"
        let metadata = try TUFMetadata(parsing: bytes, role: .root, fileName: name)
        try rootContent.verify(metadata, as: .root, fileName: "\(name) (by the trusted root version \(root.version))")
        guard metadata.version == expected else {
            throw TUFError(.version, "\(name): root version \(metadata.version) where \(expected) was expected")
        }
        let content = try TUFRootContent(metadata)
        try content.verify(metadata, as: .root, fileName: "\(name) (by its own root keys)")
        root = metadata
        rootContent = content
    }

    /// Fails if the final root of the chain has expired (§5.3.10).
    public func checkRootFresh() throws(TUFError) {
        guard !root.isExpired(at: referenceTime) else {
            throw TUFError(.expired, "root.json version \(root.version) expired at \(RFC3339.format(root.expires))")
        }
    }

    /// Accepts a timestamp (§5.3.5): signed by the root's timestamp keys, a version not below the
    /// trusted one, and a snapshot version not below the trusted timestamp's. Returns false, keeping
    /// the trusted copy, when the version equals the trusted one.
    @discardableResult
    public mutating func updateTimestamp(_ bytes: [UInt8]) throws(TUFError) -> Bool {
        try checkRootFresh()
        let metadata = try TUFMetadata(parsing: bytes, role: .timestamp)
        try rootContent.verify(metadata, as: .timestamp, fileName: "timestamp.json")
        let listing = try TUFFileMeta.listing(of: metadata, fileName: "timestamp.json")
        guard listing.count == 1, let meta = listing[ExactString(TUFRole.snapshot.fileName)] else {
            throw TUFError(.malformed, "timestamp.json: meta must list snapshot.json and nothing else")
        }
        if let trusted = timestamp {
            guard metadata.version >= trusted.version else {
                throw TUFError(.version, "timestamp version \(metadata.version) < trusted \(trusted.version) (rollback)")
            }
            if metadata.version == trusted.version { return false }
            if let trustedMeta = snapshotMeta, meta.version < trustedMeta.version {
                throw TUFError(.version, "timestamp.json lists snapshot version \(meta.version) < trusted \(trustedMeta.version) (rollback)")
            }
        }
        timestamp = metadata
        snapshotMeta = meta
        try checkTimestampFresh()
        return true
    }

    /// Fails if the trusted timestamp has expired.
    public func checkTimestampFresh() throws(TUFError) {
        guard let timestamp else { throw TUFError(.missing, "no trusted timestamp.json") }
        guard !timestamp.isExpired(at: referenceTime) else {
            throw TUFError(.expired, "timestamp.json expired at \(RFC3339.format(timestamp.expires))")
        }
    }

    /// Accepts a snapshot (§5.3.6): the length and hashes the timestamp recorded (skipped for the
    /// cached copy, `fromCache`, which was checked when it was stored), signed by the snapshot keys,
    /// every targets file the trusted snapshot listed still listed at no lower version, then the
    /// version the timestamp names and not expired.
    public mutating func updateSnapshot(_ bytes: [UInt8], fromCache: Bool = false) throws(TUFError) {
        try checkRootFresh()
        try checkTimestampFresh()
        guard let meta = snapshotMeta else { throw TUFError(.missing, "no trusted timestamp.json") }
        let name = "\(meta.version).snapshot.json"
        if !fromCache { try meta.hashes.check(bytes, name: "\(name) (against timestamp.json)") }
        let metadata = try TUFMetadata(parsing: bytes, role: .snapshot, fileName: name)
        try rootContent.verify(metadata, as: .snapshot, fileName: name)
        let listing = try TUFFileMeta.listing(of: metadata, fileName: name)
        for (file, trustedMeta) in snapshotListing {
            guard let new = listing[file] else {
                throw TUFError(.version, "\(name) no longer lists \(file) (rollback)")
            }
            guard new.version >= trustedMeta.version else {
                throw TUFError(.version, "\(name) lists \(file) version \(new.version) < trusted \(trustedMeta.version) (rollback)")
            }
        }
        snapshot = metadata
        snapshotListing = listing
        try checkSnapshotFinal()
    }

    /// Fails unless the trusted snapshot is the version the timestamp names and has not expired.
    public func checkSnapshotFinal() throws(TUFError) {
        guard let snapshot, let meta = snapshotMeta else { throw TUFError(.missing, "no trusted snapshot.json") }
        guard snapshot.version == meta.version else {
            throw TUFError(.version, "snapshot version \(snapshot.version) is not the version \(meta.version) timestamp.json names")
        }
        guard !snapshot.isExpired(at: referenceTime) else {
            throw TUFError(.expired, "snapshot.json (version \(snapshot.version)) expired at \(RFC3339.format(snapshot.expires))")
        }
    }

    /// Accepts top-level targets (§5.3.7): listed in the snapshot, with its recorded length and
    /// hashes, signed by the targets keys, exactly the version the snapshot lists (mix-and-match),
    /// not expired.
    public mutating func updateTargets(_ bytes: [UInt8]) throws(TUFError) {
        try checkRootFresh()
        try checkTimestampFresh()
        try checkSnapshotFinal()
        guard let meta = snapshotListing[ExactString(TUFRole.targets.fileName)] else {
            throw TUFError(.missing, "snapshot.json does not list targets.json")
        }
        let name = "\(meta.version).targets.json"
        try meta.hashes.check(bytes, name: "\(name) (against snapshot.json)")
        let metadata = try TUFMetadata(parsing: bytes, role: .targets, fileName: name)
        try rootContent.verify(metadata, as: .targets, fileName: name)
        guard metadata.version == meta.version else {
            throw TUFError(.version, "targets version \(metadata.version) is not the version \(meta.version) snapshot.json lists (mix-and-match)")
        }
        guard !metadata.isExpired(at: referenceTime) else {
            throw TUFError(.expired, "targets.json (version \(metadata.version)) expired at \(RFC3339.format(metadata.expires))")
        }
        let content = try TUFTargetsContent(metadata, fileName: name)
        targets = metadata
        targetsContent = content
    }

    /// What the trusted targets record for `name`; fails naming the file if it is not a target.
    public func target(_ name: String) throws(TUFError) -> TUFHashes {
        guard let targetsContent else { throw TUFError(.missing, "no trusted targets.json") }
        guard let hashes = targetsContent.targets[ExactString(name)] else {
            throw TUFError(.missing, "the repository's targets.json lists no \(name)")
        }
        return hashes
    }

    /// The path a target is fetched from under the targets URL: `<sha256>.<name>` with consistent
    /// snapshots (the first hash recorded), else the name.
    public func targetPath(_ name: String, hashes: TUFHashes) -> String {
        guard rootContent.consistentSnapshot, let first = hashes.digests.first else { return name }
        return LowercaseHex.encode(first.digest) + "." + name
    }

    /// The path snapshot or targets metadata is fetched from: `V.<role>.json` with consistent snapshots.
    public func metadataPath(_ role: TUFRole, version: Int) -> String {
        rootContent.consistentSnapshot ? "\(version).\(role.fileName)" : role.fileName
    }
}
