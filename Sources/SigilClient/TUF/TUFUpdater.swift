import Foundation
import SigstoreKit
import WireFormat

/// The TUF client workflow against one instance (specification §5.3): brings the cached metadata
/// up to date through a ``TUFTrustedSet`` and returns the two targets a Sigstore client needs,
/// `trusted_root.json` and `signing_config.v0.2.json`, each checked against the length and hashes
/// the signed targets metadata records.
public struct TUFUpdater: Sendable {
    /// The two files a Sigstore TUF repository must publish, by the names clients look for.
    public static let requiredTargets = ["trusted_root.json", "signing_config.v0.2.json"]
    /// How many root versions one refresh may step through (python-tuf's bound).
    static let maximumRootRotations = 256

    public let cache: TUFCache
    let fetcher: any TUFFetcher

    /// The verified targets, by name.
    public struct Targets: Sendable {
        public let trustedRoot: [UInt8]
        public let signingConfig: [UInt8]
        /// What the caller should tell the user (offline: roles whose expiry has passed).
        public var warnings: [String] = []
    }

    public init(cache: TUFCache, fetcher: any TUFFetcher) {
        self.cache = cache
        self.fetcher = fetcher
    }

    /// Starts trusting the instance from `root`, the first root the operator handed out: checks it,
    /// runs a full refresh into a fresh cache, has `accept` check the targets, and only then
    /// replaces any cache the instance had.
    ///
    /// Bootstrapping again must not undo the rollback protection the old cache gave (see
    /// `EarlierTrust`): the chain of roots must reach the old cache's root version, and where it
    /// passes through that very root, the old timestamp and snapshot are floors, judged against its
    /// keys as a refresh judges its cached copies. A chain through another root at that version
    /// is another instance's (re-initialised), not held to them.
    @discardableResult
    public func bootstrap(root: [UInt8], now: Date = Date(),
                          accept: (Targets) throws(TUFError) -> Void = { _ in }) async throws(TUFError) -> Targets {
        do { _ = try TUFTrustedSet(root: root, referenceTime: now) } catch {
            throw TUFError(error.kind, "the bootstrap root is not usable: \(error.message)")
        }
        let staging = try cache.staging()
        do throws(TUFError) {
            try staging.write(root, to: staging.metadataFile(.root))
            var earlier: EarlierTrust?
            if (try? cache.checkOwnership()) != nil, let old = cache.read(cache.metadataFile(.root)),
               let oldSet = try? TUFTrustedSet(root: old, referenceTime: now) {
                earlier = EarlierTrust(rootBytes: old, root: oldSet.rootContent, version: oldSet.root.version, directory: cache.directory.path)
                for role in [TUFRole.timestamp, .snapshot] {
                    if let kept = cache.read(cache.metadataFile(role)) { try staging.write(kept, to: staging.metadataFile(role)) }
                }
            }
            let targets = try await TUFUpdater(cache: staging, fetcher: fetcher).refresh(now: now, earlier: earlier)
            try accept(targets)
            try cache.replace(with: staging)
            return targets
        } catch {
            staging.remove(staging.directory)
            // A root that verifies in itself but whose roles sign nothing here is most often the
            // root of another instance (or of a re-initialised one).
            guard error.kind == .threshold else { throw error }
            throw TUFError(.threshold, "\(error.message); is the bootstrap root this instance's?")
        }
    }

    /// Brings the cache up to date with the repository and returns the verified targets. Nothing
    /// is written until everything has verified: a refresh that fails part-way leaves the cache
    /// exactly as it was, still usable `--offline`.
    public func refresh(now: Date = Date()) async throws(TUFError) -> Targets {
        try await refresh(now: now, earlier: nil)
    }

    /// What an instance's cache trusted before a bootstrap replaces it: the newest root it had
    /// verified, under whose keys its timestamp and snapshot (copied into the fresh cache) were
    /// written.
    private struct EarlierTrust {
        let rootBytes: [UInt8]
        let root: TUFRootContent
        let version: Int
        /// The cache's folder, for the message that tells how to start over.
        let directory: String
    }

    /// `refresh`; after a bootstrap, with `earlier` holding the cache it replaces, whose root the
    /// chain must reach and whose timestamp and snapshot are judged under that root's keys.
    private func refresh(now: Date, earlier: EarlierTrust?) async throws(TUFError) -> Targets {
        try cache.checkOwnership()
        var trusted = try loadCachedRoot(referenceTime: now)
        let startingRoot = earlier?.root ?? trusted.rootContent
        // Whether the chain passes through the earlier root itself (nil: not at its version).
        var throughEarlierRoot: Bool?
        if let earlier, trusted.root.version == earlier.version {
            throughEarlierRoot = cache.read(cache.metadataFile(.root)) == earlier.rootBytes
        }
        var verified: [(file: URL, bytes: [UInt8])] = []

        // The timestamp is fetched while the root chain is walked: only its bytes come early; it is
        // verified below against the final root, as §5.3.5 requires. Saves a round trip a refresh.
        let fetcher = self.fetcher
        let timestampFetch = Task { try await fetcher.fetch(TUFRole.timestamp.fileName, maxLength: TUFRole.timestamp.maximumLength) }
        defer { timestampFetch.cancel() }

        // §5.3.4: each next root, signed by the trusted one and by itself, until there is none.
        for _ in 0..<Self.maximumRootRotations {
            let next = trusted.root.version + 1
            guard let bytes = try await fetcher.fetch("\(next).root.json", maxLength: TUFRole.root.maximumLength) else { break }
            try trusted.updateRoot(bytes)
            verified.append((cache.metadataFile(.root), bytes))
            if let earlier, next == earlier.version { throughEarlierRoot = bytes == earlier.rootBytes }
        }
        if let earlier, trusted.root.version < earlier.version {
            throw TUFError(.version, "the repository's newest root is version \(trusted.root.version), older than the version \(earlier.version) this machine trusted for \(cache.instance): it withholds its newer roots; if the instance was re-initialised, remove \(earlier.directory) and run trust-instance again")
        }
        try trusted.checkRootFresh()
        // §5.3.11: new timestamp or snapshot keys make the cached copies worthless (and, after a
        // fast-forward attack, harmful: their versions would block the real ones), so they are
        // not consulted, and are replaced below. So are copies from another instance's cache.
        let keysRotated = throughEarlierRoot == false
            || [TUFRole.timestamp, .snapshot].contains { !Self.sameKeys(startingRoot, trusted.rootContent, role: $0) }

        // §5.3.5: the cached timestamp guards against rollback even if it has expired.
        if !keysRotated, let cached = cache.read(cache.metadataFile(.timestamp)) { _ = try? trusted.updateTimestamp(cached) }
        let fetched: [UInt8]?
        do { fetched = try await timestampFetch.value } catch {
            throw (error as? TUFError) ?? TUFError(.unavailable, "\(cache.instance)/timestamp.json: \(error)")
        }
        guard let timestamp = fetched else {
            throw TUFError(.missing, "\(cache.instance) has no timestamp.json: is this a TUF repository?")
        }
        if try trusted.updateTimestamp(timestamp) {
            verified.append((cache.metadataFile(.timestamp), timestamp))
        }

        // §5.3.6: the cached snapshot serves if it is still the one the timestamp names.
        if keysRotated || !acceptCached(.snapshot, into: &trusted) {
            let meta = trusted.snapshotMeta!
            let path = trusted.metadataPath(.snapshot, version: meta.version)
            guard let bytes = try await fetcher.fetch(path, maxLength: meta.hashes.length ?? TUFRole.snapshot.maximumLength) else {
                throw TUFError(.missing, "\(cache.instance) has no \(path), which timestamp.json names")
            }
            try trusted.updateSnapshot(bytes)
            verified.append((cache.metadataFile(.snapshot), bytes))
        }

        // §5.3.7: likewise the targets.
        if !acceptCached(.targets, into: &trusted) {
            guard let meta = trusted.snapshotListing[ExactString(TUFRole.targets.fileName)] else {
                throw TUFError(.missing, "snapshot.json does not list targets.json")
            }
            let path = trusted.metadataPath(.targets, version: meta.version)
            guard let bytes = try await fetcher.fetch(path, maxLength: meta.hashes.length ?? TUFRole.targets.maximumLength) else {
                throw TUFError(.missing, "\(cache.instance) has no \(path), which snapshot.json names")
            }
            try trusted.updateTargets(bytes)
            verified.append((cache.metadataFile(.targets), bytes))
        }

        var files: [[UInt8]] = []
        for name in Self.requiredTargets {
            let (bytes, downloaded) = try await target(name, trusted: trusted)
            if downloaded { verified.append((cache.targetFile(name), bytes)) }
            files.append(bytes)
        }
        // Targets first and the timestamp last, so that a crash between two writes leaves older
        // metadata naming files that are all present.
        for (file, bytes) in verified.sorted(by: { Self.writeOrder($0.file) < Self.writeOrder($1.file) }) {
            try cache.write(bytes, to: file)
        }
        return Targets(trustedRoot: files[0], signingConfig: files[1])
    }

    private static func writeOrder(_ file: URL) -> Int {
        switch file.lastPathComponent {
        case TUFRole.root.fileName: 1
        case TUFRole.targets.fileName: 2
        case TUFRole.snapshot.fileName: 3
        case TUFRole.timestamp.fileName: 4
        default: 0
        }
    }

    /// The cached copy, verified as far as is possible without the repository: the root chain's
    /// signatures, the timestamp, snapshot and targets signatures, versions and hashes, and the
    /// targets' hashes. Freshness cannot be judged offline, so an expiry that has passed is
    /// reported as a warning, not a failure.
    public func offline(now: Date = Date()) throws(TUFError) -> Targets {
        try cache.checkOwnership()
        func incomplete(_ error: TUFError) -> TUFError {
            TUFError(error.kind, "the cached copy of \(cache.instance) cannot be used offline: \(error.message); refresh it online")
        }
        do throws(TUFError) {
            var trusted = try loadCachedRoot(referenceTime: .distantPast)
            for role in [TUFRole.timestamp, .snapshot, .targets] {
                guard let bytes = cache.read(cache.metadataFile(role)) else { throw TUFError(.missing, "\(role.fileName) is not cached") }
                switch role {
                case .timestamp: try trusted.updateTimestamp(bytes)
                case .snapshot: try trusted.updateSnapshot(bytes, fromCache: true)
                default: try trusted.updateTargets(bytes)
                }
            }
            var files: [[UInt8]] = []
            for name in Self.requiredTargets {
                let hashes = try trusted.target(name)
                guard let bytes = cache.read(cache.targetFile(name)) else { throw TUFError(.missing, "\(name) is not cached") }
                try hashes.check(bytes, name: name)
                files.append(bytes)
            }
            var targets = Targets(trustedRoot: files[0], signingConfig: files[1])
            for metadata in [trusted.root, trusted.timestamp, trusted.snapshot, trusted.targets].compactMap({ $0 }) where metadata.isExpired(at: now) {
                targets.warnings.append("the cached \(metadata.role.fileName) (version \(metadata.version)) expired at \(RFC3339.format(metadata.expires)); "
                                        + "this trust may be out of date")
            }
            return targets
        } catch {
            throw incomplete(error)
        }
    }

    /// A target, from the cache when it still has the recorded length and hashes, else downloaded
    /// from its consistent-snapshot path and checked (`downloaded`: the caller caches it).
    private func target(_ name: String, trusted: TUFTrustedSet) async throws(TUFError) -> (bytes: [UInt8], downloaded: Bool) {
        let hashes = try trusted.target(name)
        if let cached = cache.read(cache.targetFile(name)), (try? hashes.check(cached, name: name)) != nil { return (cached, false) }
        let path = "targets/" + trusted.targetPath(name, hashes: hashes)
        guard let bytes = try await fetcher.fetch(path, maxLength: hashes.length ?? TUFRole.targets.maximumLength) else {
            throw TUFError(.missing, "\(cache.instance) has no \(path), which targets.json lists")
        }
        try hashes.check(bytes, name: name)
        return (bytes, true)
    }

    /// Whether the cached snapshot or targets passes as the current one.
    private func acceptCached(_ role: TUFRole, into trusted: inout TUFTrustedSet) -> Bool {
        guard let cached = cache.read(cache.metadataFile(role)) else { return false }
        do {
            if role == .snapshot { try trusted.updateSnapshot(cached, fromCache: true) } else { try trusted.updateTargets(cached) }
            return true
        } catch {
            return false
        }
    }

    private func loadCachedRoot(referenceTime: Date) throws(TUFError) -> TUFTrustedSet {
        guard let bytes = cache.read(cache.metadataFile(.root)) else {
            throw TUFError(.cache, "no trusted root.json in \(cache.directory.path); run `sigil trust-instance \(cache.instance) root.json` again")
        }
        do { return try TUFTrustedSet(root: bytes, referenceTime: referenceTime) } catch {
            throw TUFError(.cache, "the cached root.json in \(cache.directory.path) is not usable (\(error.message)); run `sigil trust-instance` again")
        }
    }

    private static func sameKeys(_ a: TUFRootContent, _ b: TUFRootContent, role: TUFRole) -> Bool {
        guard let x = a.roles[role], let y = b.roles[role] else { return false }
        return x.threshold == y.threshold && x.keyIDs.count == y.keyIDs.count
            && zip(x.keyIDs.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, y.keyIDs.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
                .allSatisfy { $0.isExactly($1) }
    }
}
