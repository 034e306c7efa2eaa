import SigstoreKit

/// How search keys are spelled in the index: a kind prefix keeps artifact hashes, identities and key
/// fingerprints apart, and everything is lowercased (searches are case-insensitive, as in Rekor).
public enum SearchKey {
    public static func artifactHash(_ value: String) -> String { "hash:" + value.lowercased() }
    public static func identity(_ value: String) -> String { "identity:" + value.lowercased() }
    public static func publicKey(_ fingerprint: String) -> String { "key:" + fingerprint.lowercased() }

    static func keys(for keys: EntrySearchKeys) -> [String] {
        var all = Set<String>()
        for value in keys.artifactHashes { all.insert(artifactHash(value)) }
        for value in keys.identities { all.insert(identity(value)) }
        for value in keys.publicKeyFingerprints { all.insert(publicKey(value)) }
        return all.sorted()
    }
}
