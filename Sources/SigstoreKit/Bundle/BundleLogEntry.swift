import Foundation
import Merkle
import WireFormat

/// One transparency-log entry as a bundle carries it (protobuf-specs `TransparencyLogEntry`):
/// the canonicalized body plus what proves it was logged.
public struct BundleLogEntry: Sendable, Hashable {
    /// The inclusion proof, with the checkpoint it leads to (absent in some v0.1 bundles).
    public struct InclusionProof: Sendable, Hashable {
        /// Leaf index within the tree (shard-local for Rekor v1).
        public var logIndex: Int64
        public var rootHash: [UInt8]
        public var treeSize: Int64
        public var hashes: [[UInt8]]
        /// The signed-note text of the checkpoint.
        public var checkpoint: String?

        public init(logIndex: Int64, rootHash: [UInt8], treeSize: Int64, hashes: [[UInt8]], checkpoint: String?) {
            self.logIndex = logIndex
            self.rootHash = rootHash
            self.treeSize = treeSize
            self.hashes = hashes
            self.checkpoint = checkpoint
        }
    }

    /// Global log index (Rekor v1) or the index in the log (Rekor v2).
    public var logIndex: Int64
    /// Rekor v1: SHA-256 of the log key. Rekor v2: the 32-byte checkpoint key ID.
    public var logID: [UInt8]
    public var kind: String
    public var version: String
    /// Unix seconds; 0 for Rekor v2, and only trustworthy with a verified `inclusionPromise`.
    public var integratedTime: Int64
    /// The signed entry timestamp (SET), when present.
    public var inclusionPromise: [UInt8]?
    public var inclusionProof: InclusionProof?
    public var canonicalizedBody: [UInt8]

    public init(logIndex: Int64, logID: [UInt8], kind: String, version: String, integratedTime: Int64,
                inclusionPromise: [UInt8]?, inclusionProof: InclusionProof?, canonicalizedBody: [UInt8]) {
        self.logIndex = logIndex
        self.logID = logID
        self.kind = kind
        self.version = version
        self.integratedTime = integratedTime
        self.inclusionPromise = inclusionPromise
        self.inclusionProof = inclusionProof
        self.canonicalizedBody = canonicalizedBody
    }

    /// A protobuf-JSON `TransparencyLogEntry` on its own, as a Rekor v2 log answers a write (the
    /// form a bundle's `tlogEntries[]` holds), read as strictly as inside a bundle.
    public init(parsing bytes: some Collection<UInt8>) throws(BundleError) {
        do throws(ProtoJSONError) { try self.init(try ProtoJSONObject.document(bytes)) } catch { throw BundleError(error.message) }
    }

    init(_ o: ProtoJSONObject) throws(ProtoJSONError) {
        try o.rejectUnknown(["logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof", "canonicalizedBody"])
        logIndex = try o.nonNegativeInt64("logIndex")
        let id = try o.object("logId")
        try id.rejectUnknown(["keyId"])
        logID = try id.nonEmptyBytes("keyId")
        let kv = try o.object("kindVersion")
        try kv.rejectUnknown(["kind", "version"])
        kind = try kv.string("kind")
        version = try kv.string("version")
        integratedTime = o.has("integratedTime") ? try o.nonNegativeInt64("integratedTime") : 0
        if let promise = try o.optionalObject("inclusionPromise") {
            try promise.rejectUnknown(["signedEntryTimestamp"])
            inclusionPromise = try promise.nonEmptyBytes("signedEntryTimestamp")
        } else {
            inclusionPromise = nil
        }
        inclusionProof = try o.optionalObject("inclusionProof").map { (p) throws(ProtoJSONError) in try Self.readProof(p) }
        canonicalizedBody = try o.nonEmptyBytes("canonicalizedBody")
    }

    private static func readProof(_ p: ProtoJSONObject) throws(ProtoJSONError) -> InclusionProof {
        try p.rejectUnknown(["logIndex", "rootHash", "treeSize", "hashes", "checkpoint"])
        var hashes: [[UInt8]] = []
        for (i, value) in try p.repeated("hashes").enumerated() {
            guard case .string(let text) = value, let bytes = LenientBase64.decode(text) else {   // proto3 `bytes`: either alphabet, padding optional
                throw ProtoJSONError("\(p.fieldPath("hashes"))[\(i)] is not valid base64")
            }
            hashes.append(bytes)
        }
        var checkpoint: String?
        if let c = try p.optionalObject("checkpoint") {
            try c.rejectUnknown(["envelope"])
            checkpoint = try c.string("envelope")
        }
        return InclusionProof(logIndex: try p.nonNegativeInt64("logIndex"), rootHash: try p.nonEmptyBytes("rootHash"),
                              treeSize: try p.nonNegativeInt64("treeSize"), hashes: hashes, checkpoint: checkpoint)
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "logIndex": .string(String(logIndex)),
            "logId": ["keyId": .string(StrictBase64.encode(logID))],
            "kindVersion": ["kind": .string(kind), "version": .string(version)],
            "integratedTime": .string(String(integratedTime)),
            "canonicalizedBody": .string(StrictBase64.encode(canonicalizedBody)),
        ]
        if let inclusionPromise { members["inclusionPromise"] = ["signedEntryTimestamp": .string(StrictBase64.encode(inclusionPromise))] }
        if let p = inclusionProof {
            var proof: [String: JSONValue] = [
                "logIndex": .string(String(p.logIndex)), "rootHash": .string(StrictBase64.encode(p.rootHash)),
                "treeSize": .string(String(p.treeSize)), "hashes": .array(p.hashes.map { .string(StrictBase64.encode($0)) }),
            ]
            if let checkpoint = p.checkpoint { proof["checkpoint"] = ["envelope": .string(checkpoint)] }
            members["inclusionProof"] = .object(proof)
        }
        return .object(members)
    }
}
