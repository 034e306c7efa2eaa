import Foundation
import SigstoreKit
import WireFormat

/// The TUF repository a Sigil stack publishes its trust files through (TUF 1.0, consistent
/// snapshots): `tuf/repository/` holds `N.root.json` (and `root.json`, the latest), `timestamp.json`,
/// `V.snapshot.json`, `V.targets.json` and `targets/<sha256>.<name>`, served read-only at `/tuf/`.
///
/// Every change takes the repository's lock (several processes write: the log server renewing
/// its online roles, `rotate` publishing new targets), reads the current state from the files, and
/// writes the new files bottom-up (targets, then snapshot, then timestamp last), each atomically,
/// so a reader at any moment finds a complete, consistent chain. Each new root is checked with the
/// client's own rules (``TUFTrustedSet``) before it is published: a root clients would refuse is
/// never written.
public struct TUFRepository: Sendable {
    public let directory: URL
    public var keys: TUFKeyFiles

    public init(directory: URL, privateKeys: URL, extraKeys: [SigningKey] = []) {
        self.directory = directory
        keys = TUFKeyFiles(privateDirectory: privateKeys, publicDirectory: directory.appendingPathComponent("public-keys", isDirectory: true),
                           extraKeys: extraKeys)
    }

    public var settingsFile: URL { directory.appendingPathComponent("roles.json") }
    public var published: URL { directory.appendingPathComponent("repository", isDirectory: true) }
    private var lockFile: URL { directory.appendingPathComponent("lock") }
    public var exists: Bool { FileManager.default.fileExists(atPath: published.appendingPathComponent("1.root.json").path) }

    /// The newest metadata of each role, as published.
    public struct State: Sendable {
        public let root: TUFMetadata
        public let rootContent: TUFRootContent
        public let timestamp: TUFMetadata
        public let snapshot: TUFMetadata
        public let targets: TUFMetadata
        public let targetFiles: [ExactString: TUFHashes]
    }

    /// What a refresh did.
    public struct Renewal: Sendable {
        /// The roles that got a new version.
        public var renewed: [TUFRole] = []
        /// Roles that need signing but whose keys are not here, with what to do.
        public var warnings: [String] = []
        /// When the next role falls due.
        public var nextDue: Date = .distantFuture
    }

    // MARK: - Creating

    /// Creates the repository: the roles file `settings` (the operator's text, kept as written), a
    /// key for every name in it, root version 1 (`1.root.json`, the file users bootstrap from), and
    /// targets, snapshot and timestamp version 1 publishing `files`.
    public static func create(directory: URL, privateKeys: URL, settings settingsText: [UInt8],
                              files: [String: [UInt8]], now: Date = Date()) throws(TUFError) -> TUFRepository {
        let settings = try TUFRoleSettings(parsing: settingsText)
        let repository = TUFRepository(directory: directory, privateKeys: privateKeys)
        guard !repository.exists else { throw TUFError(.storage, "\(directory.path) already holds a TUF repository") }
        try repository.createDirectories()
        try repository.write(settingsText, to: repository.settingsFile)
        try repository.locked { () throws(TUFError) in
            for name in settings.keyNames { try repository.keys.generate(name) }
            let signed = try repository.rootSigned(version: 1, settings: settings, now: now)
            let content = try TUFRootContent(try TUFMetadata(parsing: CanonicalJSON.encode(["signatures": [], "signed": signed]), role: .root))
            let root = try repository.sign(signed, as: .root, by: [content], fileName: "1.root.json")
            _ = try TUFTrustedSet(root: root, referenceTime: now)
            try repository.write(root, to: repository.published.appendingPathComponent("1.root.json"))
            try repository.write(root, to: repository.published.appendingPathComponent("root.json"))
            try repository.publishChain(files: files, rootContent: content, settings: settings,
                                        versions: (targets: 1, snapshot: 1, timestamp: 1), now: now)
        }
        return repository
    }

    // MARK: - Reading

    /// The published metadata, parsed; fails naming the file that is missing or unreadable.
    public func state() throws(TUFError) -> State {
        let root = try metadata(latestRootFile(), role: .root)
        let rootContent = try TUFRootContent(root)
        let timestamp = try metadata("timestamp.json", role: .timestamp)
        guard let snapshotVersion = timestamp.signed["meta"]?["snapshot.json"]?["version"]?.integerValue else {
            throw TUFError(.malformed, "timestamp.json names no snapshot version")
        }
        let snapshot = try metadata("\(snapshotVersion).snapshot.json", role: .snapshot)
        guard let targetsVersion = snapshot.signed["meta"]?["targets.json"]?["version"]?.integerValue else {
            throw TUFError(.malformed, "\(snapshotVersion).snapshot.json names no targets version")
        }
        let targets = try metadata("\(targetsVersion).targets.json", role: .targets)
        let content = try TUFTargetsContent(targets, fileName: "\(targetsVersion).targets.json")
        return State(root: root, rootContent: rootContent, timestamp: timestamp, snapshot: snapshot, targets: targets,
                     targetFiles: content.targets)
    }

    /// The operator's current role settings.
    public func settings() throws(TUFError) -> TUFRoleSettings { try TUFRoleSettings(file: settingsFile) }

    /// A published file's bytes, for serving; nil if there is none. `name` must already be one of
    /// the names the repository writes (``TUFRepository/isPublishedName(_:)``).
    public func publishedFile(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: published.appendingPathComponent(name).path).map(Array.init)
    }

    /// Whether `path` (relative to the repository URL) is a name this repository could have written:
    /// `N.root.json`, `root.json`, `timestamp.json`, `V.snapshot.json`, `V.targets.json`, or
    /// `targets/<64 hex>.<name>`. Anything else, traversal included, is not served.
    public static func isPublishedName(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        if path == "root.json" || path == "timestamp.json" { return true }
        for suffix in [".root.json", ".snapshot.json", ".targets.json"] where path.hasSuffix(suffix) {
            let version = bytes.dropLast(suffix.utf8.count)
            return !version.isEmpty && version.count <= 10 && version.allSatisfy(\.isASCIIDigit) && version.first != UInt8(ascii: "0")
        }
        guard path.hasPrefix("targets/") else { return false }
        let rest = bytes.dropFirst("targets/".utf8.count)
        guard rest.count > 66, rest[rest.startIndex + 64] == UInt8(ascii: "."),
              rest.prefix(64).allSatisfy({ $0.isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else { return false }
        let name = rest.dropFirst(65)
        return name.count <= 128 && name.first != UInt8(ascii: ".")
            && name.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    // MARK: - Changing

    /// Publishes `files` as the targets, with new targets, snapshot and timestamp versions; does
    /// nothing and returns false when the targets already are exactly these files.
    @discardableResult
    public func publish(files: [String: [UInt8]], now: Date = Date()) throws(TUFError) -> Bool {
        try locked { () throws(TUFError) -> Bool in
            let state = try state()
            guard !Self.sameTargets(state.targetFiles, files) else { return false }
            try publishChain(files: files, rootContent: state.rootContent, settings: try settings(),
                             versions: (state.targets.version + 1, state.snapshot.version + 1, state.timestamp.version + 1), now: now)
            return true
        }
    }

    /// Signs again every role that is within its `renewBefore` of expiring and whose keys are here
    /// (root, targets, snapshot, timestamp, each pulling the ones below it along), and publishes
    /// `files` first if the targets differ from them (a trust file changed while no key was here).
    public func refresh(files: [String: [UInt8]]? = nil, now: Date = Date()) throws(TUFError) -> Renewal {
        try locked { () throws(TUFError) -> Renewal in
            var renewal = Renewal()
            let settings = try settings()
            var state = try state()
            func due(_ metadata: TUFMetadata, _ role: TUFRole) -> Bool {
                metadata.expires.timeIntervalSince(now) < settings.role(role).renewBefore
            }
            func note(_ role: TUFRole, _ metadata: TUFMetadata) {
                renewal.nextDue = min(renewal.nextDue, metadata.expires.addingTimeInterval(-settings.role(role).renewBefore))
            }

            if due(state.root, .root) {
                do throws(TUFError) {
                    try publishRoot(settings: settings, state: state, rotatedKeys: [], now: now)
                    renewal.renewed.append(.root)
                    state = try self.state()
                } catch where error.kind == .threshold {
                    renewal.warnings.append("root.json expires at \(RFC3339.format(state.root.expires)): \(error.message); "
                                            + "run `sigil-server rotate tuf-root --tuf-key FILE` with the root keys")
                }
            }
            var targetsFiles = currentFiles(state)
            var newTargets = due(state.targets, .targets)
            if let files, !Self.sameTargets(state.targetFiles, files) { (targetsFiles, newTargets) = (files, true) }
            if newTargets {
                do throws(TUFError) {
                    try publishChain(files: targetsFiles, rootContent: state.rootContent, settings: settings,
                                     versions: (state.targets.version + 1, state.snapshot.version + 1, state.timestamp.version + 1), now: now)
                    renewal.renewed += [.targets, .snapshot, .timestamp]
                    state = try self.state()
                } catch where error.kind == .threshold {
                    renewal.warnings.append("targets.json (version \(state.targets.version), expires \(RFC3339.format(state.targets.expires))) needs signing: "
                                            + "\(error.message); run `sigil-server tuf publish --tuf-key FILE` with the targets keys")
                }
            }
            if !renewal.renewed.contains(.snapshot), due(state.snapshot, .snapshot) || due(state.timestamp, .timestamp) {
                let renewSnapshot = due(state.snapshot, .snapshot)
                do throws(TUFError) {
                    var snapshotBytes = try publishedBytes("\(state.snapshot.version).snapshot.json")
                    var snapshotVersion = state.snapshot.version
                    if renewSnapshot {
                        snapshotVersion += 1
                        snapshotBytes = try writeSnapshot(version: snapshotVersion, targets: state.targets, rootContent: state.rootContent,
                                                          settings: settings, now: now)
                        renewal.renewed.append(.snapshot)
                    }
                    try writeTimestamp(version: state.timestamp.version + 1, snapshot: snapshotBytes, snapshotVersion: snapshotVersion,
                                       rootContent: state.rootContent, settings: settings, now: now)
                    renewal.renewed.append(.timestamp)
                    state = try self.state()
                } catch where error.kind == .threshold {
                    renewal.warnings.append("the online roles cannot be signed: \(error.message)")
                }
            }
            note(.root, state.root)
            note(.targets, state.targets)
            note(.snapshot, state.snapshot)
            note(.timestamp, state.timestamp)
            return renewal
        }
    }

    /// Replaces the keys named `names` with new ones and publishes a root (version N+1) for the
    /// current settings, signed by the previous root's keys and the new root's, then re-signs each
    /// role whose keys changed (and the roles below it). Also how a settings change (thresholds, new
    /// key names: those get keys too) reaches the published root.
    public func rotate(keys names: [String], now: Date = Date()) throws(TUFError) {
        try locked { () throws(TUFError) in
            let settings = try settings()
            let state = try state()
            // Kept before new keys replace them: the old root keys must sign the new root.
            let previousKeys = try keys.signingKeys(names: try knownKeyNames(settings))
            var repository = self
            repository.keys.extraKeys += previousKeys
            for name in names { try keys.generate(name) }
            for name in settings.keyNames {
                if try keys.publicKey(named: name) == nil { try keys.generate(name) }
            }
            try repository.publishRoot(settings: settings, state: state, rotatedKeys: names, now: now)
            let newState = try repository.state()
            func changed(_ role: TUFRole) -> Bool {
                let a = state.rootContent.roles[role]!, b = newState.rootContent.roles[role]!
                return a.threshold != b.threshold || Set(a.keyIDs.map { ExactString($0) }) != Set(b.keyIDs.map { ExactString($0) })
            }
            let files = currentFiles(newState)
            if changed(.targets) {
                try publishChain(files: files, rootContent: newState.rootContent, settings: settings,
                                 versions: (newState.targets.version + 1, newState.snapshot.version + 1, newState.timestamp.version + 1), now: now)
            } else if changed(.snapshot) || changed(.timestamp) {
                let snapshotVersion = newState.snapshot.version + (changed(.snapshot) ? 1 : 0)
                let snapshot = changed(.snapshot)
                    ? try writeSnapshot(version: snapshotVersion, targets: newState.targets, rootContent: newState.rootContent, settings: settings, now: now)
                    : try publishedBytes("\(newState.snapshot.version).snapshot.json")
                try writeTimestamp(version: newState.timestamp.version + 1, snapshot: snapshot, snapshotVersion: snapshotVersion,
                                   rootContent: newState.rootContent, settings: settings, now: now)
            }
        }
    }

    // MARK: - Writing metadata

    private func rootSigned(version: Int, settings: TUFRoleSettings, now: Date) throws(TUFError) -> JSONValue {
        var roles: [TUFRole: (keys: [TUFKey], threshold: Int)] = [:]
        for role in TUFRole.allCases {
            let assignment = settings.role(role)
            var roleKeys: [TUFKey] = []
            for name in assignment.keys {
                guard let key = try keys.publicKey(named: name) else {
                    throw TUFError(.storage, "the TUF key \(name) is unknown: neither \(keys.publicFile(name).path) nor \(keys.privateFile(name).path) exists")
                }
                roleKeys.append(TUFKey(ecdsaP256: key))
            }
            roles[role] = (roleKeys, assignment.threshold)
        }
        return TUFMetadataWriter.root(version: version, expires: now.addingTimeInterval(settings.role(.root).expires), roles: roles)
    }

    /// The next root for `settings`, signed by the trusted root's keys and its own, checked as a
    /// client checks it, then published as `N.root.json` and `root.json`.
    private func publishRoot(settings: TUFRoleSettings, state: State, rotatedKeys: [String], now: Date) throws(TUFError) {
        let version = state.root.version + 1
        let signed = try rootSigned(version: version, settings: settings, now: now)
        let unsigned = try TUFMetadata(parsing: CanonicalJSON.encode(["signatures": [], "signed": signed]), role: .root)
        let newContent = try TUFRootContent(unsigned)
        let bytes = try sign(signed, as: .root, by: [state.rootContent, newContent], fileName: "\(version).root.json")
        var check = try TUFTrustedSet(root: state.root.bytes, referenceTime: now)
        try check.updateRoot(bytes)
        try write(bytes, to: published.appendingPathComponent("\(version).root.json"))
        try write(bytes, to: published.appendingPathComponent("root.json"))
    }

    /// Targets, snapshot and timestamp for `files`, at the given versions, written bottom-up.
    private func publishChain(files: [String: [UInt8]], rootContent: TUFRootContent, settings: TUFRoleSettings,
                              versions: (targets: Int, snapshot: Int, timestamp: Int), now: Date) throws(TUFError) {
        var listing: [String: TUFHashes] = [:]
        for (name, bytes) in files {
            let hashes = TUFHashes.of(bytes)
            listing[name] = hashes
            try write(bytes, to: published.appendingPathComponent("targets/\(LowercaseHex.encode(hashes.digests[0].digest)).\(name)"))
        }
        let targetsSigned = TUFMetadataWriter.targets(version: versions.targets, expires: now.addingTimeInterval(settings.role(.targets).expires),
                                                      files: listing)
        let targetsName = "\(versions.targets).targets.json"
        let targets = try sign(targetsSigned, as: .targets, by: [rootContent], fileName: targetsName)
        try write(targets, to: published.appendingPathComponent(targetsName))
        let snapshot = try writeSnapshot(version: versions.snapshot, targets: try TUFMetadata(parsing: targets, role: .targets, fileName: targetsName),
                                         rootContent: rootContent, settings: settings, now: now)
        try writeTimestamp(version: versions.timestamp, snapshot: snapshot, snapshotVersion: versions.snapshot,
                           rootContent: rootContent, settings: settings, now: now)
    }

    private func writeSnapshot(version: Int, targets: TUFMetadata, rootContent: TUFRootContent, settings: TUFRoleSettings,
                               now: Date) throws(TUFError) -> [UInt8] {
        let signed = TUFMetadataWriter.snapshot(version: version, expires: now.addingTimeInterval(settings.role(.snapshot).expires),
                                                targets: TUFFileMeta(version: targets.version, hashes: .of(targets.bytes)))
        let name = "\(version).snapshot.json"
        let bytes = try sign(signed, as: .snapshot, by: [rootContent], fileName: name)
        try write(bytes, to: published.appendingPathComponent(name))
        return bytes
    }

    private func writeTimestamp(version: Int, snapshot: [UInt8], snapshotVersion: Int, rootContent: TUFRootContent,
                                settings: TUFRoleSettings, now: Date) throws(TUFError) {
        let signed = TUFMetadataWriter.timestamp(version: version, expires: now.addingTimeInterval(settings.role(.timestamp).expires),
                                                 snapshot: TUFFileMeta(version: snapshotVersion, hashes: .of(snapshot)))
        try write(try sign(signed, as: .timestamp, by: [rootContent], fileName: "timestamp.json"),
                  to: published.appendingPathComponent("timestamp.json"))
    }

    /// Signs `signed` with every key at hand that `roots` assign to `role`, and checks the result
    /// against each of `roots` (a rotated root must satisfy the old root and itself).
    private func sign(_ signed: JSONValue, as role: TUFRole, by roots: [TUFRootContent], fileName: String) throws(TUFError) -> [UInt8] {
        let allowed = Set(roots.flatMap { $0.roles[role]!.keyIDs }.map { ExactString($0) })
        var chosen: [SigningKey] = []
        var chosenIDs = Set<ExactString>()
        for key in try keys.signingKeys(names: try knownKeyNames(nil)) {
            let id = ExactString(TUFKey(ecdsaP256: key.verificationKey).keyID)
            if allowed.contains(id), chosenIDs.insert(id).inserted { chosen.append(key) }
        }
        let bytes: [UInt8]
        do { bytes = try TUFMetadataWriter.envelope(signed, signedBy: chosen) } catch {
            throw TUFError(.malformed, "\(fileName): \(error)")
        }
        let metadata = try TUFMetadata(parsing: bytes, role: role, fileName: fileName)
        for root in roots {
            do { try root.verify(metadata, as: role, fileName: fileName) } catch {
                throw TUFError(.threshold, "cannot sign \(fileName): \(error.message) (keys in \(keys.privateDirectory.path), or pass them with --tuf-key)")
            }
        }
        return bytes
    }

    // MARK: - Files

    /// Every key name the settings or the key folders know of.
    private func knownKeyNames(_ settings: TUFRoleSettings?) throws(TUFError) -> [String] {
        var names = (settings ?? (try? self.settings()))?.keyNames ?? []
        for folder in [keys.privateDirectory, keys.publicDirectory] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where file.hasSuffix(".pem") {
                let name = String(file.dropLast(4))
                if TUFRoleSettings.isKeyName(name), !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    private func currentFiles(_ state: State) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for (name, hashes) in state.targetFiles {
            guard let first = hashes.digests.first,
                  let bytes = publishedFile("targets/\(LowercaseHex.encode(first.digest)).\(name.text)") else { continue }
            files[name.text] = bytes
        }
        return files
    }

    private static func sameTargets(_ listed: [ExactString: TUFHashes], _ files: [String: [UInt8]]) -> Bool {
        listed.count == files.count && files.allSatisfy { name, bytes in listed[ExactString(name)] == TUFHashes.of(bytes) }
    }

    private func latestRootFile() throws(TUFError) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: published.path)) ?? []
        let versions = names.compactMap { name -> Int? in
            guard name.hasSuffix(".root.json"), Self.isPublishedName(name) else { return nil }
            return Int(name.dropLast(".root.json".count))
        }
        guard let latest = versions.max() else {
            throw TUFError(.missing, "\(published.path) holds no N.root.json; create the repository with `sigil-server tuf init`")
        }
        return "\(latest).root.json"
    }

    private func publishedBytes(_ name: String) throws(TUFError) -> [UInt8] {
        guard let bytes = publishedFile(name) else { throw TUFError(.missing, "\(published.appendingPathComponent(name).path) is missing") }
        return bytes
    }

    private func metadata(_ name: String, role: TUFRole) throws(TUFError) -> TUFMetadata {
        try TUFMetadata(parsing: try publishedBytes(name), role: role, fileName: name)
    }

    private func createDirectories() throws(TUFError) {
        do {
            try FileManager.default.createDirectory(at: published.appendingPathComponent("targets"), withIntermediateDirectories: true)
        } catch {
            throw TUFError(.storage, "cannot create \(published.path): \(error.localizedDescription)")
        }
    }

    private func write(_ bytes: [UInt8], to url: URL) throws(TUFError) {
        do { try AtomicFile.write(bytes, to: url.path, permissions: 0o644) } catch {
            throw TUFError(.storage, error.description)
        }
    }

    /// Runs `body` holding the repository's lock (flock: released if the process dies).
    private func locked<T>(_ body: () throws(TUFError) -> T) throws(TUFError) -> T {
        let fd = open(lockFile.path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw TUFError(.storage, "\(lockFile.path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw TUFError(.storage, "\(lockFile.path): cannot lock (\(String(cString: strerror(errno))))") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
