import WireFormat

/// What `root.json` says: the keys, and for each top-level role which of them sign it and how many
/// must. Key IDs are compared as bytes.
public struct TUFRootContent: Sendable {
    /// The key IDs allowed to sign a role and how many distinct valid signatures it needs.
    public struct RoleKeys: Sendable {
        public let keyIDs: [String]
        public let threshold: Int
    }

    public let consistentSnapshot: Bool
    /// Key ID → key, as listed under `keys`.
    public let keys: [ExactString: TUFKey]
    public let roles: [TUFRole: RoleKeys]

    public init(_ metadata: TUFMetadata) throws(TUFError) {
        let name = "root.json version \(metadata.version)"
        let signed = metadata.signed
        guard let keyObjects = signed["keys"]?.objectValue else { throw TUFError(.malformed, "\(name): keys is missing") }
        var keys: [ExactString: TUFKey] = [:]
        for (keyID, object) in keyObjects {
            do { keys[ExactString(keyID)] = try TUFKey(json: object) } catch { throw TUFError(.malformed, "\(name): key \(keyID): \(error.message)") }
        }
        guard signed["roles"]?.objectValue != nil else { throw TUFError(.malformed, "\(name): roles is missing") }
        var roles: [TUFRole: RoleKeys] = [:]
        for role in TUFRole.allCases {
            guard let object = signed["roles"]?[role.rawValue] else { throw TUFError(.malformed, "\(name): role \(role.rawValue) is missing") }
            guard let ids = object["keyids"]?.arrayValue, let threshold = object["threshold"]?.integerValue, threshold >= 1 else {
                throw TUFError(.malformed, "\(name): role \(role.rawValue) needs keyids and a threshold of at least 1")
            }
            var keyIDs: [String] = []
            for id in ids {
                guard let text = id.stringValue else { throw TUFError(.malformed, "\(name): role \(role.rawValue) has a key ID that is not a string") }
                guard !keyIDs.contains(where: { $0.isExactly(text) }) else {
                    throw TUFError(.malformed, "\(name): role \(role.rawValue) lists key \(text) twice")
                }
                keyIDs.append(text)
            }
            roles[role] = RoleKeys(keyIDs: keyIDs, threshold: Int(threshold))
        }
        if let value = signed["consistent_snapshot"] {
            guard let consistent = value.boolValue else { throw TUFError(.malformed, "\(name): consistent_snapshot must be true or false") }
            self.consistentSnapshot = consistent
        } else {
            self.consistentSnapshot = false
        }
        self.keys = keys
        self.roles = roles
    }

    /// Fails unless at least the role's threshold of its keys made a valid signature over the
    /// metadata. Each key counts once however often it signed; keys not listed for the role, keys
    /// of an unusable type and undecodable signatures count for nothing.
    public func verify(_ metadata: TUFMetadata, as role: TUFRole, fileName: String) throws(TUFError) {
        guard let assignment = roles[role] else { throw TUFError(.malformed, "root lists no \(role.rawValue) role") }
        // Counted by the key itself: one key listed under two key IDs is still one signer.
        var counted: [[UInt8]] = []
        var unusable: [String] = []
        for signature in metadata.signatures {
            guard let sig = signature.signature,
                  assignment.keyIDs.contains(where: { $0.isExactly(signature.keyID) }),
                  let key = keys[ExactString(signature.keyID)] else { continue }
            guard let spki = key.spkiDER, key.unusableReason == nil else {
                unusable.append("key \(signature.keyID.prefix(16))…: \(key.unusableReason ?? "unusable")")
                continue
            }
            if !counted.contains(spki), key.verifies(sig, over: metadata.canonicalSigned) { counted.append(spki) }
        }
        guard counted.count >= assignment.threshold else {
            let detail = unusable.isEmpty ? "" : " (" + unusable.joined(separator: "; ") + ")"
            throw TUFError(.threshold, "\(fileName): \(counted.count) of the \(assignment.threshold) required signatures by the \(role.rawValue) role's keys are valid\(detail)")
        }
    }
}
