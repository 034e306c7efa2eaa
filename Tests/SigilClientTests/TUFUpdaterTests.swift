import Foundation
import Hummingbird
import SigilClient
import SigstoreKit
import TestSupport
import TransparencyLog
import WireFormat
import XCTest

/// The client side of TUF: bootstrap, refresh, root rotation, offline use, and the cache left as
/// it was whenever something is wrong.
final class TUFUpdaterTests: XCTestCase {
    let instance = "http://tuf.example/repo"

    private func repository() throws -> TUFTestRepository {
        var repository = TUFTestRepository()
        repository.files["1.root.json"] = try repository.root(version: 1)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        return repository
    }

    private func updater(_ fetcher: any TUFFetcher, base: TemporaryDirectory, instance: String? = nil) -> TUFUpdater {
        TUFUpdater(cache: TUFCache(instance: instance ?? self.instance, base: base.url), fetcher: fetcher)
    }

    /// A repository whose targets, snapshot and timestamp are at version 5, and a cache
    /// bootstrapped from it.
    private func bootstrappedAtVersion5() async throws -> (TUFTestRepository, TemporaryDirectory) {
        var repository = TUFTestRepository()
        repository.files["1.root.json"] = try repository.root(version: 1)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 5, snapshotVersion: 5, timestampVersion: 5)
        let base = TemporaryDirectory()
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)
        return (repository, base)
    }

    /// Every file under the cache folder with its bytes, to prove a failure changed nothing.
    private func snapshot(of directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if let data = FileManager.default.contents(atPath: url.path) { files[url.path] = data }
        }
        return files
    }

    func testBootstrapDownloadsBothTargetsThroughTheWorkflow() async throws {
        let repository = try repository()
        let fetcher = MemoryTUFFetcher(repository.files)
        let base = TemporaryDirectory()
        let targets = try await updater(fetcher, base: base).bootstrap(root: repository.files["1.root.json"]!)
        XCTAssertEqual(targets.trustedRoot, TUFTestRepository.sigstoreTargets["trusted_root.json"])
        XCTAssertEqual(targets.signingConfig, TUFTestRepository.sigstoreTargets["signing_config.v0.2.json"])
        let hash = LowercaseHex.encode(TUFHashes.of(targets.trustedRoot).digests[0].digest)
        // The root probe and the timestamp go out together (the timestamp is verified after the
        // root chain); then snapshot, targets and the two target files by consistent-snapshot path.
        XCTAssertEqual(Set(fetcher.requestedPaths.prefix(2)), ["2.root.json", "timestamp.json"])
        XCTAssertEqual(Array(fetcher.requestedPaths.dropFirst(2)), ["1.snapshot.json", "1.targets.json",
                                                                   "targets/\(hash).trusted_root.json",
                                                                   "targets/\(LowercaseHex.encode(TUFHashes.of(targets.signingConfig).digests[0].digest)).signing_config.v0.2.json"])
        // Each download is bounded: the specification's limits, or the recorded length.
        XCTAssertEqual(fetcher.requests.first { $0.path == "timestamp.json" }?.maxLength, 16_384)
        XCTAssertEqual(fetcher.requests.first { $0.path == "1.snapshot.json" }?.maxLength, repository.files["1.snapshot.json"]!.count)

        // A warm refresh reads the root probe and the timestamp only.
        let warm = MemoryTUFFetcher(repository.files)
        _ = try await updater(warm, base: base).refresh()
        XCTAssertEqual(Set(warm.requestedPaths), ["2.root.json", "timestamp.json"])
        XCTAssertEqual(warm.requestedPaths.count, 2)
        // And offline needs nothing.
        XCTAssertEqual(try updater(MemoryTUFFetcher([:]), base: base).offline().trustedRoot, targets.trustedRoot)
    }

    func testRefreshFollowsRotationsAndNewTargets() async throws {
        var repository = try repository()
        let fetcher = MemoryTUFFetcher(repository.files)
        let base = TemporaryDirectory()
        try await updater(fetcher, base: base).bootstrap(root: repository.files["1.root.json"]!)

        // Root 2 with new root and timestamp keys, signed by the old and new root keys.
        let oldRoot = repository.keys[.root]!
        repository.keys[.root] = [SigningKey.generateP256()]
        repository.keys[.timestamp] = [SigningKey.generateP256()]
        repository.files["2.root.json"] = try repository.root(version: 2, signedBy: oldRoot + repository.keys[.root]!)
        let newFiles = ["trusted_root.json": Array(#"{"rotated":true}"#.utf8),
                        "signing_config.v0.2.json": TUFTestRepository.sigstoreTargets["signing_config.v0.2.json"]!]
        try repository.publish(newFiles, targetsVersion: 2, snapshotVersion: 2, timestampVersion: 2)
        fetcher.replace(repository.files)
        let targets = try await updater(fetcher, base: base).refresh()
        XCTAssertEqual(targets.trustedRoot, newFiles["trusted_root.json"])
        let cachedRoot = try TUFMetadata(parsing: Array(try Data(contentsOf: base.url.appendingPathComponent(TUFCacheName.folder(instance)).appendingPathComponent("root.json"))), role: .root)
        XCTAssertEqual(cachedRoot.version, 2)
    }

    func testARootThatIsNotTheRepositorysIsRefusedAndTheCacheKept() async throws {
        let repository = try repository()
        let base = TemporaryDirectory()
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)
        let before = snapshot(of: base.url)

        // A root from another instance: valid in itself, but the repository's metadata is not signed by its keys.
        let other = TUFTestRepository()
        await assertFails(.threshold, try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: try other.root(version: 1)))
        // A corrupt root.
        var corrupt = repository.files["1.root.json"]!
        corrupt.removeLast(10)
        await assertFails(.malformed, try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: corrupt), mentioning: "bootstrap root")
        // A repository without the signing config.
        var incomplete = TUFTestRepository()
        incomplete.files["1.root.json"] = try incomplete.root(version: 1)
        try incomplete.publish(["trusted_root.json": Array("{}".utf8)], targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        await assertFails(.missing, try await updater(MemoryTUFFetcher(incomplete.files), base: base).bootstrap(root: incomplete.files["1.root.json"]!),
                          mentioning: "signing_config.v0.2.json")
        XCTAssertEqual(snapshot(of: base.url), before, "a failed bootstrap must leave the cache as it was")
    }

    func testRefreshFailuresLeaveTheCacheAsItWas() async throws {
        var repository = try repository()
        let base = TemporaryDirectory()
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)
        let before = snapshot(of: base.url)
        // An expired timestamp (freeze), then a target whose bytes do not match (arbitrary software).
        var frozen = repository.files
        frozen["timestamp.json"] = try repository.timestamp(version: 2, snapshot: repository.files["1.snapshot.json"]!, snapshotVersion: 1,
                                                            expires: Date().addingTimeInterval(-1))
        await assertFails(.expired, try await updater(MemoryTUFFetcher(frozen), base: base).refresh(), mentioning: "timestamp.json expired at")
        XCTAssertEqual(snapshot(of: base.url), before, "a refused timestamp must not be cached")
        try repository.publish(["trusted_root.json": Array("{}".utf8), "signing_config.v0.2.json": Array("[]".utf8)],
                               targetsVersion: 2, snapshotVersion: 2, timestampVersion: 3)
        var evil = repository.files
        let path = evil.keys.first { $0.hasPrefix("targets/") && $0.hasSuffix(".trusted_root.json") && evil[$0] == Array("{}".utf8) }!
        evil[path] = Array("[]".utf8)
        await assertFails(.mismatch, try await updater(MemoryTUFFetcher(evil), base: base).refresh())
        // The new metadata verified and may be kept; the refused target is not: the old one stays.
        let cachedTarget = base.url.appendingPathComponent(TUFCacheName.folder(instance)).appendingPathComponent("targets/trusted_root.json")
        XCTAssertEqual(FileManager.default.contents(atPath: cachedTarget.path).map(Array.init), TUFTestRepository.sigstoreTargets["trusted_root.json"])
    }

    func testRollbackIsRefusedAcrossProcessesByTheCachedVersions() async throws {
        let (repository, base) = try await bootstrappedAtVersion5()
        let before = snapshot(of: base.url)
        // Another process, later: the repository (or a man in the middle) serves older metadata.
        let older = try repository.republished(at: 4)
        await assertFails(.version, try await updater(MemoryTUFFetcher(older.files), base: base).refresh(), mentioning: "timestamp version 4 < trusted 5")
        // A newer timestamp over an older snapshot.
        var mixed = repository
        let oldSnapshot = older.files["4.snapshot.json"]!
        mixed.files["timestamp.json"] = try repository.timestamp(version: 6, snapshot: oldSnapshot, snapshotVersion: 4)
        mixed.files["4.snapshot.json"] = oldSnapshot
        await assertFails(.version, try await updater(MemoryTUFFetcher(mixed.files), base: base).refresh(), mentioning: "snapshot version 4 < trusted 5")
        XCTAssertEqual(snapshot(of: base.url), before)
    }

    func testBootstrappingAgainKeepsTheRollbackProtection() async throws {
        let (bootstrapped, base) = try await bootstrappedAtVersion5()
        var repository = bootstrapped
        let before = snapshot(of: base.url)
        // Older metadata, validly signed, served to a user who runs trust-instance again.
        let older = try repository.republished(at: 4)
        await assertFails(.version, try await updater(MemoryTUFFetcher(older.files), base: base).bootstrap(root: repository.files["1.root.json"]!),
                          mentioning: "timestamp version 4 < trusted 5")
        XCTAssertEqual(snapshot(of: base.url), before, "the refused bootstrap must leave the cache as it was")
        // The same versions again are no rollback.
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)

        // The timestamp key rotated (root 2) after the root the user bootstraps from: the floors
        // were written under root 2's keys, so they still hold.
        let oldRootKeys = repository.keys[.root]!
        repository.keys[.timestamp] = [SigningKey.generateP256()]
        repository.files["2.root.json"] = try repository.root(version: 2, signedBy: oldRootKeys)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 6, snapshotVersion: 6, timestampVersion: 6)
        _ = try await updater(MemoryTUFFetcher(repository.files), base: base).refresh()
        let olderRotated = try repository.republished(at: 5)
        await assertFails(.version, try await updater(MemoryTUFFetcher(olderRotated.files), base: base).bootstrap(root: repository.files["1.root.json"]!),
                          mentioning: "timestamp version 5 < trusted 6")

        // A repository that withholds root 2 (which rotated the timestamp key away) is refused,
        // rather than trusted with the old key and without the floors.
        var withheld = olderRotated.files
        withheld["2.root.json"] = nil
        await assertFails(.version, try await updater(MemoryTUFFetcher(withheld), base: base).bootstrap(root: repository.files["1.root.json"]!),
                          mentioning: "newest root is version 1, older than the version 2")
    }

    func testAReinitialisedInstanceIsNotHeldToTheOldCachesVersions() async throws {
        let (repository, base) = try await bootstrappedAtVersion5()

        // Re-initialised with new root keys but the same online key (copied, or in a KMS): versions
        // from 1, a different root 1. Its timestamp verifies under the old keys, yet is no rollback.
        var fresh = TUFTestRepository()
        fresh.keys[.timestamp] = repository.keys[.timestamp]
        fresh.keys[.snapshot] = repository.keys[.snapshot]
        fresh.files["1.root.json"] = try fresh.root(version: 1)
        try fresh.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        try await updater(MemoryTUFFetcher(fresh.files), base: base).bootstrap(root: fresh.files["1.root.json"]!)
        let folder = base.url.appendingPathComponent(TUFCacheName.folder(instance))
        XCTAssertEqual(try TUFMetadata(parsing: Array(try Data(contentsOf: folder.appendingPathComponent("timestamp.json"))), role: .timestamp).version, 1)

        // One whose roots stop below the trusted version cannot be told from a withholding
        // repository: refused, saying how to start over.
        var rotated = fresh
        let freshRootKeys = rotated.keys[.root]!
        rotated.files["2.root.json"] = try rotated.root(version: 2, signedBy: freshRootKeys)
        try await updater(MemoryTUFFetcher(rotated.files), base: base).refresh()
        var again = TUFTestRepository()
        again.files["1.root.json"] = try again.root(version: 1)
        try again.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        await assertFails(.version, try await updater(MemoryTUFFetcher(again.files), base: base).bootstrap(root: again.files["1.root.json"]!),
                          mentioning: "remove \(folder.path)")
        try FileManager.default.removeItem(at: folder)
        try await updater(MemoryTUFFetcher(again.files), base: base).bootstrap(root: again.files["1.root.json"]!)
    }

    func testFastForwardIsRecoveredByRotatingTheTimestampKey() async throws {
        var repository = try repository()
        let base = TemporaryDirectory()
        // An attacker with the timestamp key pushed clients to version 1000.
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1000)
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)
        // Without a key rotation, the honest version 3 is a rollback.
        var honest = repository
        try honest.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 3)
        await assertFails(.version, try await updater(MemoryTUFFetcher(honest.files), base: base).refresh())
        // The operator rotates the timestamp key (root 2): version 3 under the new key is accepted.
        let oldRoot = honest.keys[.root]!
        honest.keys[.timestamp] = [SigningKey.generateP256()]
        honest.files["2.root.json"] = try honest.root(version: 2, signedBy: oldRoot)
        try honest.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 3)
        _ = try await updater(MemoryTUFFetcher(honest.files), base: base).refresh()
        let cached = try TUFMetadata(parsing: Array(try Data(contentsOf: base.url.appendingPathComponent(TUFCacheName.folder(instance))
            .appendingPathComponent("timestamp.json"))), role: .timestamp)
        XCTAssertEqual(cached.version, 3)
    }

    func testEndlessDataIsCutOff() async throws {
        let repository = try repository()
        var files = repository.files
        files["timestamp.json"] = Array(repeating: UInt8(ascii: " "), count: 20_000) + repository.files["timestamp.json"]!
        await assertFails(.tooLarge, try await updater(MemoryTUFFetcher(files), base: TemporaryDirectory()).bootstrap(root: repository.files["1.root.json"]!))
    }

    func testEndlessDataFromARealServerIsCutOff() async throws {
        let repository = try repository()
        let router = Router()
        let huge = Array(repeating: UInt8(ascii: " "), count: 1 << 20)
        router.get("tuf/timestamp.json") { _, _ in
            // Streamed without a length, as an attacker would.
            Response(status: .ok, body: ResponseBody { writer in
                for _ in 0..<4 { try await writer.write(ByteBuffer(bytes: huge)) }
                try await writer.finish(nil)
            })
        }
        let server = try await LiveServer.start(router)
        let base = TemporaryDirectory()
        let url = server.url + "/tuf"
        await assertFails(.tooLarge, try await TUFUpdater(cache: TUFCache(instance: url, base: base.url), fetcher: HTTPTUFFetcher(instance: url))
            .bootstrap(root: repository.files["1.root.json"]!), mentioning: "16384-byte limit")
        await server.stop()
    }

    func testCacheOfAnotherInstanceAndMissingCacheAreRefused() async throws {
        let repository = try repository()
        let base = TemporaryDirectory()
        await assertFails(.cache, try await updater(MemoryTUFFetcher(repository.files), base: base).refresh(), mentioning: "sigil trust-instance")
        try await updater(MemoryTUFFetcher(repository.files), base: base).bootstrap(root: repository.files["1.root.json"]!)
        // The folder copied to another instance's place.
        let other = "http://other.example/repo"
        try FileManager.default.copyItem(at: base.url.appendingPathComponent(TUFCacheName.folder(instance)),
                                         to: base.url.appendingPathComponent(TUFCacheName.folder(other)))
        await assertFails(.cache, try await updater(MemoryTUFFetcher(repository.files), base: base, instance: other).refresh(), mentioning: "belongs to")
    }

    func testUnreachableInstanceFailsClearly() async throws {
        let repository = try repository()
        let url = "http://127.0.0.1:\(try FreePort.find())/tuf"
        let base = TemporaryDirectory()
        await assertFails(.unavailable, try await TUFUpdater(cache: TUFCache(instance: url, base: base.url), fetcher: HTTPTUFFetcher(instance: url))
            .bootstrap(root: repository.files["1.root.json"]!))
        XCTAssertTrue(snapshot(of: base.url).isEmpty)
    }

    func testTheStacksRepositoryServedByTheLogServer() async throws {
        let folder = TemporaryDirectory()
        let files = ["trusted_root.json": Array(#"{"v":1}"#.utf8), "signing_config.v0.2.json": Array(#"{"s":1}"#.utf8)]
        let published = try TUFRepository.create(directory: folder.url.appendingPathComponent("tuf"), privateKeys: folder.url.appendingPathComponent("keys"),
                                                  settings: Array(#"{"roles":{"root":{"keys":["root"],"threshold":1,"expires":"365d"},"targets":{"keys":["targets"],"threshold":1,"expires":"84d"},"snapshot":{"keys":["online"],"threshold":1,"expires":"21d"},"timestamp":{"keys":["online"],"threshold":1,"expires":"3d"}}}"#.utf8),
                                                  files: files)
        let signingKey = SigningKey.generateP256()
        let store = try LogService.createStore(path: folder.path("log.sqlite"), signingKey: signingKey, name: "t")
        var configuration = LogConfiguration()
        configuration.name = "t"
        let service = try await LogService(store: store, signingKey: signingKey, configuration: configuration)
        let server = try await LiveServer.start(buildLogRouter(service: service, tuf: published))
        let url = server.url + "/tuf"
        let base = TemporaryDirectory()
        let client = TUFUpdater(cache: TUFCache(instance: url, base: base.url), fetcher: HTTPTUFFetcher(instance: url))
        let root = Array(try Data(contentsOf: published.published.appendingPathComponent("1.root.json")))
        let first = try await client.bootstrap(root: root)
        XCTAssertEqual(first.trustedRoot, files["trusted_root.json"])

        // Every kind of TUF key rotation, and new trust files: the client follows each.
        for names in [["online"], ["targets"], ["root"]] {
            try published.rotate(keys: names)
            let refreshed = try await client.refresh()
            XCTAssertEqual(refreshed.trustedRoot, files["trusted_root.json"], "after rotating \(names)")
        }
        XCTAssertEqual(try published.state().root.version, 4)
        let cachedRoot = try TUFMetadata(parsing: Array(try Data(contentsOf: client.cache.directory.appendingPathComponent("root.json"))), role: .root)
        XCTAssertEqual(cachedRoot.version, 4)
        let rotated = ["trusted_root.json": Array(#"{"v":2}"#.utf8), "signing_config.v0.2.json": files["signing_config.v0.2.json"]!]
        XCTAssertTrue(try published.publish(files: rotated))
        XCTAssertFalse(try published.publish(files: rotated))
        let last = try await client.refresh()
        XCTAssertEqual(last.trustedRoot, rotated["trusted_root.json"])
        await server.stop()
    }

    private func assertFails<T>(_ kind: TUFError.Kind, _ body: @autoclosure () async throws -> T, mentioning text: String? = nil,
                                file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await body()
            XCTFail("expected a \(kind) failure", file: file, line: line)
        } catch let error as TUFError {
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            if let text { XCTAssertTrue(error.message.contains(text), error.message, file: file, line: line) }
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }
}

/// The cache folder name the updater uses for an instance (tests reach into the cache).
enum TUFCacheName {
    static func folder(_ instance: String) -> String {
        TUFCache(instance: instance, base: URL(fileURLWithPath: "/")).directory.lastPathComponent
    }
}

extension TUFTestRepository {
    /// The same repository with targets, snapshot and timestamp published again at `version`,
    /// validly signed: what a rollback serves.
    func republished(at version: Int) throws -> TUFTestRepository {
        var copy = self
        try copy.publish(TUFTestRepository.sigstoreTargets, targetsVersion: version, snapshotVersion: version, timestampVersion: version)
        return copy
    }
}
