import Foundation
import Hummingbird
import HummingbirdTesting
import SigstoreKit
import TestSupport
import Testing
@testable import TransparencyLog
import WireFormat

/// The repository the stack publishes: what it writes checks out with the client's rules after
/// creation, publication, renewal and each key rotation; it refuses to sign without its keys; and
/// the log server serves it read-only with the right caching.
struct TUFRepositoryTests {
    let folder = TemporaryDirectory()
    let files = ["trusted_root.json": Array(#"{"root":1}"#.utf8), "signing_config.v0.2.json": Array(#"{"config":1}"#.utf8)]

    static func settings(timestamp: String = "3d", renewTimestamp: String = "36h", rootKeys: [String] = ["root"], rootThreshold: Int = 1) -> [UInt8] {
        let roots = rootKeys.map { "\"\($0)\"" }.joined(separator: ",")
        return Array("""
            {"roles": {"root": {"keys": [\(roots)], "threshold": \(rootThreshold), "expires": "365d", "renewBefore": "60d"},
                       "targets": {"keys": ["targets"], "threshold": 1, "expires": "84d", "renewBefore": "28d"},
                       "snapshot": {"keys": ["online"], "threshold": 1, "expires": "21d", "renewBefore": "7d"},
                       "timestamp": {"keys": ["online"], "threshold": 1, "expires": "\(timestamp)", "renewBefore": "\(renewTimestamp)"}}}
            """.utf8)
    }

    func create(_ settings: [UInt8] = settings(), now: Date = Date()) throws -> TUFRepository {
        try TUFRepository.create(directory: folder.url.appendingPathComponent("tuf"), privateKeys: folder.url.appendingPathComponent("keys/tuf"),
                                 settings: settings, files: files, now: now)
    }

    /// Walks the published repository as a client does, from `1.root.json`, at `now`.
    func verify(_ repository: TUFRepository, now: Date = Date()) throws -> TUFTrustedSet {
        var trusted = try TUFTrustedSet(root: repository.publishedFile("1.root.json")!, referenceTime: now)
        while let next = repository.publishedFile("\(trusted.root.version + 1).root.json") { try trusted.updateRoot(next) }
        try trusted.updateTimestamp(repository.publishedFile("timestamp.json")!)
        try trusted.updateSnapshot(repository.publishedFile(trusted.metadataPath(.snapshot, version: trusted.snapshotMeta!.version))!)
        let targetsVersion = trusted.snapshotListing[ExactString("targets.json")]!.version
        try trusted.updateTargets(repository.publishedFile(trusted.metadataPath(.targets, version: targetsVersion))!)
        for name in files.keys {
            let hashes = try trusted.target(name)
            try hashes.check(repository.publishedFile("targets/" + trusted.targetPath(name, hashes: hashes))!, name: name)
        }
        return trusted
    }

    @Test func createdRepositoryVerifiesAndKeysAreSecret() throws {
        let repository = try create()
        let trusted = try verify(repository)
        #expect(trusted.root.version == 1 && trusted.rootContent.consistentSnapshot)
        for name in ["root", "targets", "online"] {
            let mode = try FileManager.default.attributesOfItem(atPath: repository.keys.privateFile(name).path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        #expect(throws: TUFError.self) { _ = try create() }
    }

    @Test func publishingNewFilesMakesNewVersionsOnlyWhenTheyChange() throws {
        let repository = try create()
        #expect(try repository.publish(files: files) == false)
        var changed = files
        changed["trusted_root.json"] = Array(#"{"root":2}"#.utf8)
        #expect(try repository.publish(files: changed))
        let state = try repository.state()
        #expect(state.targets.version == 2 && state.snapshot.version == 2 && state.timestamp.version == 2)
        #expect(state.targetFiles[ExactString("trusted_root.json")] == TUFHashes.of(changed["trusted_root.json"]!))
        // The previous consistent snapshot stays served for clients mid-refresh.
        #expect(repository.publishedFile("1.targets.json") != nil)
    }

    @Test func theRunningServerRenewsTheTimestampBeforeItExpires() throws {
        let start = Date()
        let repository = try create(Self.settings(timestamp: "20s", renewTimestamp: "10s"), now: start)
        var renewal = try repository.refresh(files: { files }, now: start.addingTimeInterval(5))
        #expect(renewal.renewed.isEmpty)
        #expect(abs(renewal.nextDue.timeIntervalSince(start.addingTimeInterval(10))) < 1.5)
        renewal = try repository.refresh(files: { files }, now: start.addingTimeInterval(11))
        #expect(renewal.renewed == [.timestamp])
        #expect(try repository.state().timestamp.version == 2)
        _ = try verify(repository, now: start.addingTimeInterval(25))
        // Far in the future every role falls due, and each is signed again in order.
        renewal = try repository.refresh(files: { files }, now: start.addingTimeInterval(320 * 86_400))
        #expect(renewal.renewed == [.root, .targets, .snapshot, .timestamp])
        _ = try verify(repository, now: start.addingTimeInterval(320 * 86_400 + 5))
    }

    @Test func changedTrustFilesArePublishedByTheRefresh() throws {
        let repository = try create()
        var changed = files
        changed["signing_config.v0.2.json"] = Array(#"{"config":2}"#.utf8)
        let renewal = try repository.refresh(files: { changed })
        #expect(renewal.renewed.contains(.targets))
        #expect(try verify(repository).targetsContent!.targets[ExactString("signing_config.v0.2.json")] == TUFHashes.of(changed["signing_config.v0.2.json"]!))
    }

    @Test(arguments: [["root"], ["targets"], ["online"]])
    func eachKeyRotationPublishesARootClientsFollow(names: [String]) throws {
        let repository = try create()
        let before = try repository.state()
        try repository.rotate(keys: names)
        let trusted = try verify(repository)
        #expect(trusted.root.version == 2)
        let role: TUFRole = names == ["online"] ? .timestamp : (names == ["root"] ? .root : .targets)
        #expect(before.rootContent.roles[role]!.keyIDs != trusted.rootContent.roles[role]!.keyIDs)
        // The retired private key is kept aside, not deleted.
        let retired = try FileManager.default.contentsOfDirectory(atPath: repository.keys.privateDirectory.appendingPathComponent("retired").path)
        #expect(retired.count == 1)
    }

    @Test func offlineKeysAreBroughtForOneCommand() throws {
        let repository = try create()
        let targetsKey = try #require(try repository.keys.privateKey(named: "targets"))
        let offline = folder.url.appendingPathComponent("offline-targets.pem")
        try FileManager.default.moveItem(at: repository.keys.privateFile("targets"), to: offline)
        var changed = files
        changed["trusted_root.json"] = Array(#"{"root":3}"#.utf8)
        #expect { try repository.publish(files: changed) } throws: { ($0 as? TUFError)?.kind == .threshold }
        // The refresh cannot publish either, and says what to do instead of failing.
        let renewal = try repository.refresh(files: { changed })
        #expect(renewal.warnings.contains { $0.contains("sigil-server tuf publish --tuf-key") })
        var withKey = repository
        withKey.keys.extraKeys = [targetsKey]
        #expect(try withKey.publish(files: changed))
        _ = try verify(repository)
    }

    @Test func aThresholdOfTwoRootKeysNeedsBothForTheNextRoot() throws {
        let repository = try create(Self.settings(rootKeys: ["root", "root-2"], rootThreshold: 2))
        #expect(try verify(repository).rootContent.roles[.root]!.threshold == 2)
        let second = try #require(try repository.keys.privateKey(named: "root-2"))
        try FileManager.default.removeItem(at: repository.keys.privateFile("root-2"))
        let publicKeys = try FileManager.default.contentsOfDirectory(atPath: repository.keys.publicDirectory.path).sorted()
        let targetsPublic = try Data(contentsOf: repository.keys.publicFile("targets"))
        #expect { try repository.rotate(keys: ["targets"]) } throws: { ($0 as? TUFError)?.kind == .threshold }
        // A rotation that cannot be signed changes nothing: no key replaced or retired, no root
        // published, and the keys at hand still sign what they signed before.
        #expect(try repository.state().root.version == 1)
        #expect(try Data(contentsOf: repository.keys.publicFile("targets")) == targetsPublic)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository.keys.publicDirectory.path).sorted() == publicKeys)
        #expect(!FileManager.default.fileExists(atPath: repository.keys.privateDirectory.appendingPathComponent("retired").path))
        var changed = files
        changed["trusted_root.json"] = Array(#"{"root":9}"#.utf8)
        #expect(try repository.publish(files: changed))
        #expect(try repository.refresh(files: { changed }, now: Date().addingTimeInterval(2 * 86_400)).renewed.contains(.timestamp))
        var withKey = repository
        withKey.keys.extraKeys = [second]
        try withKey.rotate(keys: ["targets"])
        #expect(try verify(repository).root.version == 2)
    }

    @Test func aBrokenRolesFileDoesNotStopTheTimestampRenewal() throws {
        let start = Date()
        let repository = try create(Self.settings(timestamp: "20s", renewTimestamp: "10s"), now: start)
        let good = try repository.settings()
        try Data("{ not json".utf8).write(to: repository.settingsFile)
        let renewal = try repository.refresh(files: { files }, fallback: good, now: start.addingTimeInterval(15))
        #expect(renewal.renewed == [.timestamp])
        #expect(renewal.warnings.contains { $0.contains("roles.json") })
        // Renewed with the fallback's 20-second lifetime, not the standard 3 days.
        #expect(try repository.state().timestamp.expires.timeIntervalSince(start) < 60)
        _ = try verify(repository, now: start.addingTimeInterval(20))
    }

    @Test func keysOtherThanP256AreRefusedNotTrapped() throws {
        let ed25519 = SigningKey.generateEd25519()
        #expect { _ = try TUFKeyFiles.signingKey(pem: Data(ed25519.pemRepresentation.utf8), file: "ed.pem") } throws: {
            "\($0)".contains("P-256")
        }
        let repository = try create()
        try Data(ed25519.pemRepresentation.utf8).write(to: repository.keys.privateFile("stray"))
        #expect { try repository.rotate(keys: ["online"]) } throws: { ($0 as? TUFError)?.kind == .storage }
        #expect(try repository.state().root.version == 1)
    }

    @Test func rolesFilesAreCheckedWithTheMemberNamed() {
        for (text, member) in [(#"{"roles":{}}"#, "roles.root"),
                               (String(decoding: Self.settings(rootThreshold: 2), as: UTF8.self), "roles.root.threshold"),
                               (String(decoding: Self.settings(timestamp: "3 days"), as: UTF8.self), "roles.timestamp.expires"),
                               (String(decoding: Self.settings(timestamp: "1h", renewTimestamp: "2h"), as: UTF8.self), "roles.timestamp.renewBefore")] {
            #expect { _ = try TUFRoleSettings(parsing: Array(text.utf8)) } throws: { "\($0)".contains(member) }
        }
        #expect(TUFRoleSettings.standard == (try? TUFRoleSettings(parsing: Array(String(decoding: CanonicalJSON.encode(TUFRoleSettings.standard.json), as: UTF8.self).utf8))))
    }

    @Test func servedReadOnlyWithCachingByKind() async throws {
        let repository = try create()
        let log = try TestLog()
        let app = Application(router: buildLogRouter(service: try await log.service(), tuf: repository))
        try await app.test(.router) { client in
            let timestamp = try await client.execute(uri: "/tuf/timestamp.json", method: .get)
            #expect(timestamp.status == .ok && timestamp.headers[.cacheControl] == "no-cache")
            #expect(timestamp.headers[.contentType] == "application/json")
            #expect(Array(timestamp.body.readableBytesView) == repository.publishedFile("timestamp.json"))
            let root = try await client.execute(uri: "/tuf/1.root.json", method: .get)
            #expect(root.headers[.cacheControl]?.contains("immutable") == true)
            let hash = LowercaseHex.encode(TUFHashes.of(files["trusted_root.json"]!).digests[0].digest)
            let target = try await client.execute(uri: "/tuf/targets/\(hash).trusted_root.json", method: .get)
            #expect(Array(target.body.readableBytesView) == files["trusted_root.json"])
            for path in ["/tuf/2.root.json", "/tuf/roles.json", "/tuf/../keys/tuf/root.pem", "/tuf/%2e%2e/roles.json", "/tuf/lock",
                         "/tuf/targets/\(hash).trusted_root.json.tmp", "/tuf/01.root.json"] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .notFound, "\(path)")
            }
        }
        #expect(!TUFRepository.isPublishedName("targets/../../keys/tuf/root.pem"))
        #expect(TUFRepository.isPublishedName("12.snapshot.json"))
    }
}
