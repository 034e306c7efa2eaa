import Foundation
import SigstoreKit
import WireFormat

/// A TUF repository built in memory by tests, file by file, so that each attack the specification
/// names can be staged: any file signed by any keys, any version, any expiry. One P-256 key per
/// role unless a test sets others; `files` maps repository paths to bytes, as a server would serve.
public struct TUFTestRepository: Sendable {
    public var keys: [TUFRole: [SigningKey]]
    public var thresholds: [TUFRole: Int] = [.root: 1, .timestamp: 1, .snapshot: 1, .targets: 1]
    public var expires: Date
    public var files: [String: [UInt8]] = [:]
    /// Replaces a role's listed keys in roots written from now on (wrong-key-type tests).
    public var listedKeys: [TUFRole: [TUFKey]] = [:]

    public init(now: Date = Date()) {
        keys = [.root: [SigningKey.generateP256()], .timestamp: [SigningKey.generateP256()],
                .snapshot: [SigningKey.generateP256()], .targets: [SigningKey.generateP256()]]
        expires = now.addingTimeInterval(86_400)
    }

    /// The `signed` object of a root listing the current keys and thresholds.
    public func rootSigned(version: Int) -> JSONValue {
        var roles: [TUFRole: (keys: [TUFKey], threshold: Int)] = [:]
        for role in TUFRole.allCases {
            roles[role] = (listedKeys[role] ?? keys[role]!.map { TUFKey(ecdsaP256: $0.verificationKey) }, thresholds[role]!)
        }
        return TUFMetadataWriter.root(version: version, expires: expires, roles: roles)
    }

    public func root(version: Int, signedBy signers: [SigningKey]? = nil) throws -> [UInt8] {
        try TUFMetadataWriter.envelope(rootSigned(version: version), signedBy: signers ?? keys[.root]!)
    }

    public func targets(version: Int, files targetFiles: [String: [UInt8]], expires: Date? = nil,
                        signedBy signers: [SigningKey]? = nil) throws -> [UInt8] {
        try TUFMetadataWriter.envelope(TUFMetadataWriter.targets(version: version, expires: expires ?? self.expires,
                                                                 files: targetFiles.mapValues { TUFHashes.of($0) }),
                                       signedBy: signers ?? keys[.targets]!)
    }

    public func snapshot(version: Int, targets: [UInt8], targetsVersion: Int, expires: Date? = nil,
                         signedBy signers: [SigningKey]? = nil) throws -> [UInt8] {
        try TUFMetadataWriter.envelope(TUFMetadataWriter.snapshot(version: version, expires: expires ?? self.expires,
                                                                  targets: TUFFileMeta(version: targetsVersion, hashes: .of(targets))),
                                       signedBy: signers ?? keys[.snapshot]!)
    }

    public func timestamp(version: Int, snapshot: [UInt8], snapshotVersion: Int, expires: Date? = nil,
                          signedBy signers: [SigningKey]? = nil) throws -> [UInt8] {
        try TUFMetadataWriter.envelope(TUFMetadataWriter.timestamp(version: version, expires: expires ?? self.expires,
                                                                   snapshot: TUFFileMeta(version: snapshotVersion, hashes: .of(snapshot))),
                                       signedBy: signers ?? keys[.timestamp]!)
    }

    /// Publishes targets, snapshot and timestamp for `targetFiles` at the given versions (each
    /// listing the one below it by version, length and hash) and the target files under their
    /// consistent-snapshot paths.
    public mutating func publish(_ targetFiles: [String: [UInt8]], targetsVersion: Int, snapshotVersion: Int,
                                 timestampVersion: Int) throws {
        for (name, bytes) in targetFiles {
            files["targets/" + LowercaseHex.encode(TUFHashes.of(bytes).digests[0].digest) + "." + name] = bytes
        }
        let targets = try targets(version: targetsVersion, files: targetFiles)
        files["\(targetsVersion).targets.json"] = targets
        let snapshot = try snapshot(version: snapshotVersion, targets: targets, targetsVersion: targetsVersion)
        files["\(snapshotVersion).snapshot.json"] = snapshot
        files["timestamp.json"] = try timestamp(version: timestampVersion, snapshot: snapshot, snapshotVersion: snapshotVersion)
    }

    /// The two targets a Sigstore repository must have (content need not be real trust files for
    /// the TUF workflow; tests that parse them put real ones in).
    public static let sigstoreTargets: [String: [UInt8]] = [
        "trusted_root.json": Array(#"{"mediaType":"test"}"#.utf8),
        "signing_config.v0.2.json": Array(#"{"mediaType":"test-signing"}"#.utf8),
    ]
}
