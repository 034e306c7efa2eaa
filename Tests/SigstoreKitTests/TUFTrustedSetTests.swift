import Foundation
import SigstoreKit
import TestSupport
import WireFormat
import XCTest

/// The TUF client workflow's checks (specification §5.3), one test per attack the specification
/// names, on repositories the tests write with `TUFTestRepository`.
final class TUFTrustedSetTests: XCTestCase {
    let now = Date()

    /// A trusted set that has accepted root 1 and timestamp/snapshot/targets of `repository`.
    private func loaded(_ repository: TUFTestRepository) throws -> TUFTrustedSet {
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        try trusted.updateTimestamp(repository.files["timestamp.json"]!)
        let snapshotVersion = trusted.snapshotMeta!.version
        try trusted.updateSnapshot(repository.files["\(snapshotVersion).snapshot.json"]!)
        let targetsVersion = trusted.snapshotListing[ExactString("targets.json")]!.version
        try trusted.updateTargets(repository.files["\(targetsVersion).targets.json"]!)
        return trusted
    }

    private func assertKind(_ kind: TUFError.Kind, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? TUFError)?.kind, kind, "\(error)", file: file, line: line)
        }
    }

    func testAcceptsAConsistentRepositoryAndFindsTargetsByConsistentPath() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        let trusted = try loaded(repository)
        let hashes = try trusted.target("trusted_root.json")
        try hashes.check(TUFTestRepository.sigstoreTargets["trusted_root.json"]!, name: "trusted_root.json")
        XCTAssertEqual(trusted.targetPath("trusted_root.json", hashes: hashes),
                       LowercaseHex.encode(hashes.digests[0].digest) + ".trusted_root.json")
        XCTAssertEqual(trusted.metadataPath(.snapshot, version: 1), "1.snapshot.json")
    }

    func testArbitrarySoftwareTargetWithAnotherHashIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        let hashes = try loaded(repository).target("trusted_root.json")
        var evil = TUFTestRepository.sigstoreTargets["trusted_root.json"]!
        evil[evil.count - 2] ^= 1                                       // same length, another hash
        assertKind(.mismatch) { try hashes.check(evil, name: "trusted_root.json") }
        assertKind(.mismatch) { try hashes.check(evil + [0x20], name: "trusted_root.json") }
    }

    func testTargetMissingFromTheRepositoryIsNamed() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(["trusted_root.json": Array("{}".utf8)], targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        XCTAssertThrowsError(try loaded(repository).target("signing_config.v0.2.json")) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .missing)
            XCTAssertTrue("\(error)".contains("signing_config.v0.2.json"), "\(error)")
        }
    }

    func testRollbackOfTheTimestampIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 5)
        var trusted = try loaded(repository)
        let older = try repository.timestamp(version: 4, snapshot: repository.files["1.snapshot.json"]!, snapshotVersion: 1)
        XCTAssertThrowsError(try trusted.updateTimestamp(older)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .version)
            XCTAssertTrue("\(error)".contains("timestamp version 4 < trusted 5"), "\(error)")
        }
        // The same version is not an update: the trusted copy stays.
        XCTAssertFalse(try trusted.updateTimestamp(repository.files["timestamp.json"]!))
    }

    func testRollbackOfTheSnapshotIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 5, timestampVersion: 5)
        var trusted = try loaded(repository)
        let oldSnapshot = try repository.snapshot(version: 3, targets: repository.files["1.targets.json"]!, targetsVersion: 1)
        let timestamp = try repository.timestamp(version: 6, snapshot: oldSnapshot, snapshotVersion: 3)
        XCTAssertThrowsError(try trusted.updateTimestamp(timestamp)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .version)
            XCTAssertTrue("\(error)".contains("snapshot version 3 < trusted 5"), "\(error)")
        }
    }

    func testRollbackOfTheTargetsIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 4, snapshotVersion: 1, timestampVersion: 1)
        var trusted = try loaded(repository)
        // A newer snapshot that lists an older targets version.
        let oldTargets = try repository.targets(version: 2, files: TUFTestRepository.sigstoreTargets)
        let snapshot = try repository.snapshot(version: 2, targets: oldTargets, targetsVersion: 2)
        try trusted.updateTimestamp(try repository.timestamp(version: 2, snapshot: snapshot, snapshotVersion: 2))
        XCTAssertThrowsError(try trusted.updateSnapshot(snapshot)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .version)
            XCTAssertTrue("\(error)".contains("targets.json version 2 < trusted 4"), "\(error)")
        }
    }

    func testIndefiniteFreezeExpiredTimestampIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        let stale = try repository.timestamp(version: 1, snapshot: repository.files["1.snapshot.json"]!, snapshotVersion: 1,
                                             expires: now.addingTimeInterval(-60))
        XCTAssertThrowsError(try trusted.updateTimestamp(stale)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .expired)
            XCTAssertTrue("\(error)".hasPrefix("timestamp.json expired at "), "\(error)")
        }
        // Nothing below a frozen timestamp is accepted either.
        assertKind(.expired) { try trusted.updateSnapshot(repository.files["1.snapshot.json"]!) }
    }

    func testExpiredRootIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        repository.expires = now.addingTimeInterval(-1)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        let trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        assertKind(.expired) { try trusted.checkRootFresh() }
    }

    func testThresholdBelowTheRequiredCountIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        repository.keys[.timestamp] = [SigningKey.generateP256(), SigningKey.generateP256()]
        repository.thresholds[.timestamp] = 2
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        let snapshot = repository.files["1.snapshot.json"]!
        let once = try repository.timestamp(version: 1, snapshot: snapshot, snapshotVersion: 1, signedBy: [repository.keys[.timestamp]![0]])
        XCTAssertThrowsError(try trusted.updateTimestamp(once)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .threshold)
            XCTAssertTrue("\(error)".contains("1 of the 2 required"), "\(error)")
        }
        // The same key twice under one key ID is malformed (the specification makes key IDs
        // unique among signatures).
        let twice = try repository.timestamp(version: 1, snapshot: snapshot, snapshotVersion: 1,
                                             signedBy: [repository.keys[.timestamp]![0], repository.keys[.timestamp]![0]])
        assertKind(.malformed) { try trusted.updateTimestamp(twice) }
        // A key of another role does not count.
        let foreign = try repository.timestamp(version: 1, snapshot: snapshot, snapshotVersion: 1,
                                               signedBy: [repository.keys[.timestamp]![0], repository.keys[.snapshot]![0]])
        assertKind(.threshold) { try trusted.updateTimestamp(foreign) }
        XCTAssertTrue(try trusted.updateTimestamp(repository.files["timestamp.json"]!))
    }

    func testOneKeyUnderTwoKeyIDsCountsOnce() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        let key = repository.keys[.timestamp]![0]
        // The same public key listed twice, as "ecdsa" and as the legacy "ecdsa-sha2-nistp256"
        // key type: two key IDs, one key (go-tuf's GHSA-3633-5h82-39pq).
        let first = TUFKey(ecdsaP256: key.verificationKey)
        let second = try TUFKey(json: ["keytype": "ecdsa-sha2-nistp256", "scheme": "ecdsa-sha2-nistp256",
                                       "keyval": ["public": .string(key.verificationKey.pem)]])
        XCTAssertNotEqual(first.keyID, second.keyID)
        repository.listedKeys[.timestamp] = [first, second]
        repository.thresholds[.timestamp] = 2
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        let signed = TUFMetadataWriter.timestamp(version: 1, expires: repository.expires,
                                                 snapshot: TUFFileMeta(version: 1, hashes: .of(repository.files["1.snapshot.json"]!)))
        let timestamp = try TUFMetadataWriter.envelope(signed, signatures: [(first.keyID, key), (second.keyID, key)])
        XCTAssertThrowsError(try trusted.updateTimestamp(timestamp)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .threshold)
            XCTAssertTrue("\(error)".contains("1 of the 2 required"), "\(error)")
        }
    }

    func testRootRotationMustBeSignedByTheOldRoot() throws {
        var repository = TUFTestRepository(now: now)
        let oldRoot = repository.keys[.root]!
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        repository.keys[.root] = [SigningKey.generateP256()]
        // Signed only by the new key: the trusted root's threshold is not met.
        assertKind(.threshold) { try trusted.updateRoot(try repository.root(version: 2)) }
        // Signed only by the old key: the new root's own threshold is not met.
        assertKind(.threshold) { try trusted.updateRoot(try repository.root(version: 2, signedBy: oldRoot)) }
        // Signed by both, but skipping a version.
        assertKind(.version) { try trusted.updateRoot(try repository.root(version: 3, signedBy: oldRoot + repository.keys[.root]!)) }
        try trusted.updateRoot(try repository.root(version: 2, signedBy: oldRoot + repository.keys[.root]!))
        XCTAssertEqual(trusted.root.version, 2)
    }

    func testMixAndMatchTargetsOfAnotherVersionAreRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 3, snapshotVersion: 1, timestampVersion: 1)
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        try trusted.updateTimestamp(repository.files["timestamp.json"]!)
        try trusted.updateSnapshot(repository.files["1.snapshot.json"]!)
        // Validly signed targets of version 2 where the snapshot lists version 3 (and its hash).
        let other = try repository.targets(version: 2, files: ["trusted_root.json": Array("{}".utf8)])
        assertKind(.mismatch) { try trusted.updateTargets(other) }
        // And a snapshot that lists no length or hash still pins the version.
        let bare = try TUFMetadataWriter.envelope(TUFMetadataWriter.snapshot(version: 1, expires: repository.expires,
                                                                             targets: TUFFileMeta(version: 3)),
                                                  signedBy: repository.keys[.snapshot]!)
        var loose = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        let timestamp = try repository.timestamp(version: 1, snapshot: bare, snapshotVersion: 1)
        try loose.updateTimestamp(timestamp)
        try loose.updateSnapshot(bare)
        XCTAssertThrowsError(try loose.updateTargets(other)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .version)
            XCTAssertTrue("\(error)".contains("(mix-and-match)"), "\(error)")
        }
    }

    func testWrongKeyTypeSignaturesCountForNothing() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        let key = repository.keys[.timestamp]![0]
        // The timestamp key listed as Ed25519 while its value is a P-256 PEM.
        let mislabelled = try TUFKey(json: ["keytype": "ed25519", "scheme": "ed25519", "keyval": ["public": .string(key.verificationKey.pem)]])
        XCTAssertNotNil(mislabelled.unusableReason)
        repository.listedKeys[.timestamp] = [mislabelled]
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        let signed = TUFMetadataWriter.timestamp(version: 1, expires: repository.expires,
                                                 snapshot: TUFFileMeta(version: 1, hashes: .of(repository.files["1.snapshot.json"]!)))
        let timestamp = try TUFMetadataWriter.envelope(signed, signatures: [(mislabelled.keyID, key)])
        XCTAssertThrowsError(try trusted.updateTimestamp(timestamp)) { error in
            XCTAssertEqual((error as? TUFError)?.kind, .threshold)
            XCTAssertTrue("\(error)".contains("not 32 bytes"), "\(error)")
        }
        // An unknown key type likewise.
        let unknown = try TUFKey(json: ["keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": ["public": .string(key.verificationKey.pem)]])
        XCTAssertFalse(unknown.verifies([1, 2, 3], over: [4]))
    }

    func testMetadataOfTheWrongTypeOrSpecificationIsRefused() throws {
        var repository = TUFTestRepository(now: now)
        try repository.publish(TUFTestRepository.sigstoreTargets, targetsVersion: 1, snapshotVersion: 1, timestampVersion: 1)
        var trusted = try TUFTrustedSet(root: try repository.root(version: 1), referenceTime: now)
        // A snapshot served where the timestamp belongs.
        assertKind(.malformed) { try trusted.updateTimestamp(repository.files["1.snapshot.json"]!) }
        var signed = repository.rootSigned(version: 1).objectValue!
        signed["spec_version"] = "2.0.0"
        let future = try TUFMetadataWriter.envelope(.object(signed), signedBy: repository.keys[.root]!)
        assertKind(.malformed) { _ = try TUFTrustedSet(root: future, referenceTime: now) }
    }

    func testSignatureCoversUnknownFieldsAsGiven() throws {
        let repository = TUFTestRepository(now: now)
        var signed = repository.rootSigned(version: 1).objectValue!
        signed["x-custom"] = ["note": "kept"]
        let root = try TUFMetadataWriter.envelope(.object(signed), signedBy: repository.keys[.root]!)
        XCTAssertNoThrow(try TUFTrustedSet(root: root, referenceTime: now))
        // Changing the unknown field after signing breaks the signature.
        let tampered = Array(String(decoding: root, as: UTF8.self).replacingOccurrences(of: "\"kept\"", with: "\"gone\"").utf8)
        assertKind(.threshold) { _ = try TUFTrustedSet(root: tampered, referenceTime: now) }
    }
}
