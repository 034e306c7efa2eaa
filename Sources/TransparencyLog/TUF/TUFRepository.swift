import Foundation
import SigstoreKit
import WireFormat

/// The TUF repository a Sigil stack publishes its trust files through (TUF 1.0, consistent
/// snapshots): `tuf/repository/` holds `N.root.json` (and `root.json`, the latest), `timestamp.json`,
/// `V.snapshot.json`, `V.targets.json` and `targets/<sha256>.<name>`, served read-only at `/tuf/`.
///
/// Every change takes the repository's lock (several processes write: the log server renewing
/// its online roles, `rotate` publishing new targets), reads the current state from the files,
/// signs and checks every new file in memory (each new root with the client's own rules,
/// ``TUFTrustedSet``), and only then writes anything: key files first, then the metadata bottom-up
/// (targets, snapshot, root, timestamp last), each atomically, so a reader at any moment finds a
/// complete, consistent chain, and a change that cannot be signed changes nothing. Roles signed
/// again because their keys rotated carry the old keys' signatures too where those keys are at
/// hand, so that they verify under the previous root as well as the new one.
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
        /// When the next role falls due (roles that could not be signed are left out).
        public var nextDue: Date = .distantFuture
        /// The settings used: the roles file, or the fallback when it could not be read.
        public var settings: TUFRoleSettings = .standard
    }

    /// A file to publish, by its path under `repository/`.
    private typealias PublishedFile = (name: String, bytes: [UInt8])

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
        try repository.locked { () throws(TUFError) in
            var fresh: [String: SigningKey] = [:]
            for name in settings.keyNames { fresh[name] = SigningKey.generateP256() }
            let signers = Array(fresh.values)
            let signed = try repository.rootSigned(version: 1, settings: settings, fresh: fresh, now: now)
            let content = try Self.rootContent(of: signed)
            let root = try repository.sign(signed, as: .root, allowedBy: [content], checkedBy: [content], signers: signers, fileName: "1.root.json")
            _ = try TUFTrustedSet(root: root, referenceTime: now)
            let chain = try repository.chain(files: files, roots: [content], settings: settings,
                                             versions: (targets: 1, snapshot: 1, timestamp: 1), signers: signers, now: now)
            for (name, key) in fresh { try repository.keys.install(key, as: name) }
            try repository.write(settingsText, to: repository.settingsFile)
            try repository.publish(chain, root: root, rootVersion: 1)
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
        if path.isExactly("root.json") || path.isExactly("timestamp.json") { return true }
        for suffix in [".root.json", ".snapshot.json", ".targets.json"] where path.hasExactSuffix(suffix) {
            let version = bytes.dropLast(suffix.utf8.count)
            return !version.isEmpty && version.count <= 10 && version.allSatisfy(\.isASCIIDigit) && version.first != UInt8(ascii: "0")
        }
        guard path.hasExactPrefix("targets/") else { return false }
        let rest = bytes.dropFirst("targets/".utf8.count)
        guard rest.count > 66, rest[rest.startIndex + 64] == UInt8(ascii: "."),
              rest.prefix(64).allSatisfy({ $0.isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else { return false }
        let name = rest.dropFirst(65)
        return name.count <= 128 && name.first != UInt8(ascii: ".")
            && name.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    // MARK: - Changing

    /// Publishes the trust files `files()` returns as the targets, with new targets, snapshot and
    /// timestamp versions; does nothing and returns false when the targets already are exactly
    /// these files. The files are read under the lock, so a concurrent publication of older files
    /// cannot follow a newer one.
    @discardableResult
    public func publish(files: () throws -> [String: [UInt8]], now: Date = Date()) throws(TUFError) -> Bool {
        try locked { () throws(TUFError) -> Bool in
            let current: [String: [UInt8]]
            do { current = try files() } catch { throw TUFError(.storage, "cannot read the trust files to publish: \(error)") }
            let state = try state()
            guard !Self.sameTargets(state.targetFiles, current) else { return false }
            let chain = try chain(files: current, roots: [state.rootContent], settings: try settings(),
                                  versions: (state.targets.version + 1, state.snapshot.version + 1, state.timestamp.version + 1),
                                  signers: try availableSigners(), now: now)
            try publish(chain)
            return true
        }
    }

    /// ``publish(files:now:)`` for files already read.
    @discardableResult
    public func publish(files: [String: [UInt8]], now: Date = Date()) throws(TUFError) -> Bool {
        try publish(files: { files }, now: now)
    }

    /// Signs again every role that is within its `renewBefore` of expiring and whose keys are here
    /// (the root as it stands; targets, snapshot and timestamp, each pulling the ones below it
    /// along), and publishes the trust files `files()` returns if the targets differ from them. Each
    /// role is handled on its own: a role that cannot be signed (its keys offline, the roles file
    /// broken) becomes a warning and does not stop the renewal of the others; `fallback` supplies
    /// the lifetimes when the roles file cannot be read.
    public func refresh(files: (() throws -> [String: [UInt8]])? = nil, fallback: TUFRoleSettings? = nil,
                        now: Date = Date()) throws(TUFError) -> Renewal {
        try locked { () throws(TUFError) -> Renewal in
            var renewal = Renewal()
            var unsignable = Set<TUFRole>()
            let settings: TUFRoleSettings
            do throws(TUFError) { settings = try self.settings() } catch {
                settings = fallback ?? .standard
                renewal.warnings.append("\(error.message); renewing with the last settings that could be read")
            }
            renewal.settings = settings
            var state = try state()
            // A key file that cannot be read is reported, not allowed to stop the renewal of the
            // roles other keys sign.
            var signers = keys.extraKeys
            for name in (try? knownKeyNames(settings)) ?? [] {
                do throws(TUFError) {
                    if let key = try keys.privateKey(named: name) { signers.append(key) }
                } catch {
                    renewal.warnings.append(error.message)
                }
            }
            func due(_ metadata: TUFMetadata, _ role: TUFRole) -> Bool {
                metadata.expires.timeIntervalSince(now) < settings.role(role).renewBefore
            }

            if due(state.root, .root) {
                do throws(TUFError) {
                    let root = try renewedRoot(state, settings: settings, signers: signers, now: now)
                    try publish([], root: root, rootVersion: state.root.version + 1)
                    renewal.renewed.append(.root)
                    state = try self.state()
                } catch {
                    unsignable.insert(.root)
                    renewal.warnings.append("root.json (version \(state.root.version)) expires at \(RFC3339.format(state.root.expires)) and "
                                            + "cannot be renewed: \(error.message); run `sigil-server rotate tuf-root --tuf-key FILE` with the root keys")
                }
            }
            var publishedFiles = currentFiles(state)
            var newTargets = due(state.targets, .targets)
            do {
                if let current = try files?(), !Self.sameTargets(state.targetFiles, current) { (publishedFiles, newTargets) = (current, true) }
            } catch {
                renewal.warnings.append("cannot read the trust files to publish: \(error)")
            }
            if newTargets {
                do throws(TUFError) {
                    try publish(try chain(files: publishedFiles, roots: [state.rootContent], settings: settings,
                                          versions: (state.targets.version + 1, state.snapshot.version + 1, state.timestamp.version + 1),
                                          signers: signers, now: now))
                    renewal.renewed += [.targets, .snapshot, .timestamp]
                    state = try self.state()
                } catch {
                    unsignable.insert(.targets)
                    renewal.warnings.append("targets.json (version \(state.targets.version), expires \(RFC3339.format(state.targets.expires))) "
                                            + "needs signing: \(error.message); run `sigil-server tuf publish --tuf-key FILE` with the targets keys")
                }
            }
            if !renewal.renewed.contains(.timestamp), due(state.snapshot, .snapshot) || due(state.timestamp, .timestamp) {
                do throws(TUFError) {
                    let renewSnapshot = due(state.snapshot, .snapshot)
                    try publish(try onlineRoles(state: state, renewSnapshot: renewSnapshot, roots: [state.rootContent],
                                                settings: settings, signers: signers, now: now))
                    renewal.renewed += renewSnapshot ? [.snapshot, .timestamp] : [.timestamp]
                    state = try self.state()
                } catch {
                    unsignable.formUnion([.snapshot, .timestamp])
                    renewal.warnings.append("the online roles (snapshot, timestamp) cannot be signed: \(error.message)")
                }
            }
            for (role, metadata) in [(TUFRole.root, state.root), (.targets, state.targets), (.snapshot, state.snapshot), (.timestamp, state.timestamp)]
            where !unsignable.contains(role) {
                renewal.nextDue = min(renewal.nextDue, metadata.expires.addingTimeInterval(-settings.role(role).renewBefore))
            }
            return renewal
        }
    }

    /// Replaces the keys named `names` with new ones and publishes a root (version N+1) for the
    /// current settings, signed by the previous root's keys and the new root's, and re-signs each
    /// role whose keys changed (and the roles below it). Also how a settings change (thresholds, new
    /// key names: those get keys too) reaches the published root. Everything is signed and checked
    /// before the first file is written: a rotation that cannot be completed (an offline key not
    /// brought with `--tuf-key`) leaves the keys and the repository as they were.
    public func rotate(keys names: [String], now: Date = Date()) throws(TUFError) {
        try locked { () throws(TUFError) in
            let settings = try settings()
            let state = try state()
            var fresh: [String: SigningKey] = [:]
            for name in names { fresh[name] = SigningKey.generateP256() }
            for name in settings.keyNames where fresh[name] == nil {
                if try keys.publicKey(named: name) == nil { fresh[name] = SigningKey.generateP256() }
            }
            // The previous keys stay usable for this change: the old root keys must sign the new root.
            let signers = try availableSigners() + Array(fresh.values)
            let version = state.root.version + 1
            let signed = try rootSigned(version: version, settings: settings, fresh: fresh, now: now)
            let newContent = try Self.rootContent(of: signed)
            let roots = [state.rootContent, newContent]
            let root = try sign(signed, as: .root, allowedBy: roots, checkedBy: roots, signers: signers, fileName: "\(version).root.json")
            var check = try TUFTrustedSet(root: state.root.bytes, referenceTime: now)
            try check.updateRoot(root)

            func changed(_ role: TUFRole) -> Bool {
                let a = state.rootContent.roles[role]!, b = newContent.roles[role]!
                return a.threshold != b.threshold || Set(a.keyIDs.map { ExactString($0) }) != Set(b.keyIDs.map { ExactString($0) })
            }
            var below: [PublishedFile] = []
            if changed(.targets) {
                below = try chain(files: currentFiles(state), roots: roots, settings: settings,
                                  versions: (state.targets.version + 1, state.snapshot.version + 1, state.timestamp.version + 1),
                                  signers: signers, now: now)
            } else if changed(.snapshot) || changed(.timestamp) {
                below = try onlineRoles(state: state, renewSnapshot: changed(.snapshot), roots: roots, settings: settings,
                                        signers: signers, now: now)
            }
            for (name, key) in fresh { try keys.install(key, as: name) }
            try publish(below, root: root, rootVersion: version)
        }
    }

    // MARK: - Signing metadata

    /// The `signed` object of a root for `settings`: each key by name, from `fresh` (made for this
    /// change) or from its stored public half.
    private func rootSigned(version: Int, settings: TUFRoleSettings, fresh: [String: SigningKey], now: Date) throws(TUFError) -> JSONValue {
        var roles: [TUFRole: (keys: [TUFKey], threshold: Int)] = [:]
        for role in TUFRole.allCases {
            let assignment = settings.role(role)
            var roleKeys: [TUFKey] = []
            for name in assignment.keys {
                var key = fresh[name]?.verificationKey
                if key == nil { key = try keys.publicKey(named: name) }
                guard let key else {
                    throw TUFError(.storage, "the TUF key \(name) is unknown: neither \(keys.publicFile(name).path) nor \(keys.privateFile(name).path) exists")
                }
                roleKeys.append(TUFKey(ecdsaP256: key))
            }
            roles[role] = (roleKeys, assignment.threshold)
        }
        return TUFMetadataWriter.root(version: version, expires: now.addingTimeInterval(settings.role(.root).expires), roles: roles)
    }

    /// The published root with the next version and a new expiry, signed by its own root keys:
    /// renewal never changes keys or thresholds (that takes `rotate`).
    private func renewedRoot(_ state: State, settings: TUFRoleSettings, signers: [SigningKey], now: Date) throws(TUFError) -> [UInt8] {
        guard var members = state.root.signed.objectValue else { throw TUFError(.malformed, "root.json: signed is not an object") }
        let version = state.root.version + 1
        members["version"] = .integer(Int64(version))
        members["expires"] = .string(RFC3339.format(Date(timeIntervalSince1970: now.addingTimeInterval(settings.role(.root).expires)
            .timeIntervalSince1970.rounded(.down))))
        let root = try sign(.object(members), as: .root, allowedBy: [state.rootContent], checkedBy: [state.rootContent],
                            signers: signers, fileName: "\(version).root.json")
        var check = try TUFTrustedSet(root: state.root.bytes, referenceTime: now)
        try check.updateRoot(root)
        return root
    }

    /// Target files, targets, snapshot and timestamp for `files` at the given versions, signed
    /// (not written). Checked against the last of `roots`; signed by keys any of them allows.
    private func chain(files: [String: [UInt8]], roots: [TUFRootContent], settings: TUFRoleSettings,
                       versions: (targets: Int, snapshot: Int, timestamp: Int), signers: [SigningKey], now: Date) throws(TUFError) -> [PublishedFile] {
        var published: [PublishedFile] = []
        var listing: [String: TUFHashes] = [:]
        for (name, bytes) in files {
            let hashes = TUFHashes.of(bytes)
            listing[name] = hashes
            published.append(("targets/\(LowercaseHex.encode(hashes.digests[0].digest)).\(name)", bytes))
        }
        let targetsName = "\(versions.targets).targets.json"
        let targets = try sign(TUFMetadataWriter.targets(version: versions.targets, expires: now.addingTimeInterval(settings.role(.targets).expires),
                                                         files: listing),
                               as: .targets, allowedBy: roots, checkedBy: [roots.last!], signers: signers, fileName: targetsName)
        published.append((targetsName, targets))
        return published + (try snapshotAndTimestamp(targets: try TUFMetadata(parsing: targets, role: .targets, fileName: targetsName),
                                                     snapshotVersion: versions.snapshot, timestampVersion: versions.timestamp,
                                                     roots: roots, settings: settings, signers: signers, now: now))
    }

    /// A new timestamp (and, `renewSnapshot`, a new snapshot) over the published targets.
    private func onlineRoles(state: State, renewSnapshot: Bool, roots: [TUFRootContent], settings: TUFRoleSettings,
                             signers: [SigningKey], now: Date) throws(TUFError) -> [PublishedFile] {
        if renewSnapshot {
            return try snapshotAndTimestamp(targets: state.targets, snapshotVersion: state.snapshot.version + 1,
                                            timestampVersion: state.timestamp.version + 1, roots: roots, settings: settings,
                                            signers: signers, now: now)
        }
        return [try timestamp(snapshot: state.snapshot.bytes, snapshotVersion: state.snapshot.version, version: state.timestamp.version + 1,
                              roots: roots, settings: settings, signers: signers, now: now)]
    }

    private func snapshotAndTimestamp(targets: TUFMetadata, snapshotVersion: Int, timestampVersion: Int, roots: [TUFRootContent],
                                      settings: TUFRoleSettings, signers: [SigningKey], now: Date) throws(TUFError) -> [PublishedFile] {
        let name = "\(snapshotVersion).snapshot.json"
        let signed = TUFMetadataWriter.snapshot(version: snapshotVersion, expires: now.addingTimeInterval(settings.role(.snapshot).expires),
                                                targets: TUFFileMeta(version: targets.version, hashes: .of(targets.bytes)))
        let snapshot = try sign(signed, as: .snapshot, allowedBy: roots, checkedBy: [roots.last!], signers: signers, fileName: name)
        return [(name, snapshot), try timestamp(snapshot: snapshot, snapshotVersion: snapshotVersion, version: timestampVersion,
                                                roots: roots, settings: settings, signers: signers, now: now)]
    }

    private func timestamp(snapshot: [UInt8], snapshotVersion: Int, version: Int, roots: [TUFRootContent],
                           settings: TUFRoleSettings, signers: [SigningKey], now: Date) throws(TUFError) -> PublishedFile {
        let signed = TUFMetadataWriter.timestamp(version: version, expires: now.addingTimeInterval(settings.role(.timestamp).expires),
                                                 snapshot: TUFFileMeta(version: snapshotVersion, hashes: .of(snapshot)))
        return ("timestamp.json", try sign(signed, as: .timestamp, allowedBy: roots, checkedBy: [roots.last!], signers: signers,
                                           fileName: "timestamp.json"))
    }

    /// Signs `signed` with every key in `signers` that one of `allowedBy` assigns to `role`, and
    /// checks the result against each of `checkedBy` (a rotated root must satisfy the old root and
    /// itself; lower roles the newest root).
    private func sign(_ signed: JSONValue, as role: TUFRole, allowedBy: [TUFRootContent], checkedBy: [TUFRootContent],
                      signers: [SigningKey], fileName: String) throws(TUFError) -> [UInt8] {
        let allowed = Set(allowedBy.flatMap { $0.roles[role]!.keyIDs }.map { ExactString($0) })
        var chosen: [SigningKey] = []
        var chosenIDs = Set<ExactString>()
        for key in signers {
            let id = ExactString(TUFKey(ecdsaP256: key.verificationKey).keyID)
            if allowed.contains(id), chosenIDs.insert(id).inserted { chosen.append(key) }
        }
        let bytes: [UInt8]
        do { bytes = try TUFMetadataWriter.envelope(signed, signedBy: chosen) } catch {
            throw TUFError(.malformed, "\(fileName): \(error)")
        }
        let metadata = try TUFMetadata(parsing: bytes, role: role, fileName: fileName)
        for root in checkedBy {
            do { try root.verify(metadata, as: role, fileName: fileName) } catch {
                throw TUFError(.threshold, "cannot sign \(fileName): \(error.message) (keys in \(keys.privateDirectory.path), or pass them with --tuf-key)")
            }
        }
        return bytes
    }

    private static func rootContent(of signed: JSONValue) throws(TUFError) -> TUFRootContent {
        try TUFRootContent(try TUFMetadata(parsing: CanonicalJSON.encode(["signatures": [], "signed": signed]), role: .root))
    }

    /// Every private key at hand: the key folder's and the ones brought for this command.
    private func availableSigners() throws(TUFError) -> [SigningKey] {
        try keys.signingKeys(names: try knownKeyNames(nil))
    }

    // MARK: - Writing

    /// Writes signed files bottom-up: target files, targets, snapshot, then the root (when one is
    /// given, as `N.root.json` and `root.json`), and the timestamp last.
    private func publish(_ files: [PublishedFile], root: [UInt8]? = nil, rootVersion: Int = 0) throws(TUFError) {
        let timestamp = files.filter { $0.name.isExactly("timestamp.json") }
        for file in files where !file.name.isExactly("timestamp.json") { try write(file.bytes, to: published.appendingPathComponent(file.name)) }
        if let root {
            try write(root, to: published.appendingPathComponent("\(rootVersion).root.json"))
            try write(root, to: published.appendingPathComponent("root.json"))
        }
        for file in timestamp { try write(file.bytes, to: published.appendingPathComponent(file.name)) }
    }

    // MARK: - Files

    /// Every key name the settings or the key folders know of.
    private func knownKeyNames(_ settings: TUFRoleSettings?) throws(TUFError) -> [String] {
        var names = (settings ?? (try? self.settings()))?.keyNames ?? []
        for folder in [keys.privateDirectory, keys.publicDirectory] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where file.hasExactSuffix(".pem") {
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
            guard name.hasExactSuffix(".root.json"), Self.isPublishedName(name) else { return nil }
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
