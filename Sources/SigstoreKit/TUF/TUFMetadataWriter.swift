import Foundation
import WireFormat

/// Builds and signs the metadata a repository publishes: the `signed` object of each top-level role
/// and the envelope with one signature per key over its OLPC canonical form.
public enum TUFMetadataWriter {
    /// The specification version written into every file.
    public static let specificationVersion = "1.0.31"

    /// The envelope bytes (RFC 8785 JSON, so any JSON reader takes them) of `signed`, signed by each
    /// key. Only P-256 keys sign TUF metadata here (Sigstore's choice for its own repository).
    public static func envelope(_ signed: JSONValue, signedBy keys: [SigningKey]) throws -> [UInt8] {
        try envelope(signed, signatures: keys.map { (TUFKey(ecdsaP256: $0.verificationKey).keyID, $0) })
    }

    /// The envelope with each key's signature filed under the key ID given for it.
    public static func envelope(_ signed: JSONValue, signatures keys: [(keyID: String, key: SigningKey)]) throws -> [UInt8] {
        let canonical = try OLPCCanonicalJSON.encode(signed)
        var signatures: [JSONValue] = []
        for (keyID, key) in keys {
            signatures.append(["keyid": .string(keyID), "sig": .string(LowercaseHex.encode(try key.sign(canonical)))])
        }
        return CanonicalJSON.encode(["signatures": .array(signatures), "signed": signed])
    }

    /// The common members of every role's `signed` object.
    private static func common(_ role: TUFRole, version: Int, expires: Date) -> [String: JSONValue] {
        ["_type": .string(role.rawValue), "spec_version": .string(specificationVersion), "version": .integer(Int64(version)),
         "expires": .string(RFC3339.format(Date(timeIntervalSince1970: expires.timeIntervalSince1970.rounded(.down))))]
    }

    /// `root.json`'s `signed`: every key by its key ID, and which keys sign each role.
    public static func root(version: Int, expires: Date, roles: [TUFRole: (keys: [TUFKey], threshold: Int)],
                            consistentSnapshot: Bool = true) -> JSONValue {
        var members = common(.root, version: version, expires: expires)
        var keys: [String: JSONValue] = [:]
        var roleObjects: [String: JSONValue] = [:]
        for (role, assignment) in roles {
            for key in assignment.keys { keys[key.keyID] = key.json }
            roleObjects[role.rawValue] = ["keyids": .array(assignment.keys.map { .string($0.keyID) }),
                                          "threshold": .integer(Int64(assignment.threshold))]
        }
        members["keys"] = .object(keys)
        members["roles"] = .object(roleObjects)
        members["consistent_snapshot"] = .bool(consistentSnapshot)
        return .object(members)
    }

    /// `timestamp.json`'s `signed`, naming the snapshot.
    public static func timestamp(version: Int, expires: Date, snapshot: TUFFileMeta) -> JSONValue {
        var members = common(.timestamp, version: version, expires: expires)
        members["meta"] = [TUFRole.snapshot.fileName: snapshot.json]
        return .object(members)
    }

    /// `snapshot.json`'s `signed`, naming the top-level targets.
    public static func snapshot(version: Int, expires: Date, targets: TUFFileMeta) -> JSONValue {
        var members = common(.snapshot, version: version, expires: expires)
        members["meta"] = [TUFRole.targets.fileName: targets.json]
        return .object(members)
    }

    /// `targets.json`'s `signed`: each target's length and hashes.
    public static func targets(version: Int, expires: Date, files: [String: TUFHashes]) -> JSONValue {
        var members = common(.targets, version: version, expires: expires)
        members["targets"] = .object(files.mapValues { .object($0.jsonMembers) })
        return .object(members)
    }
}
