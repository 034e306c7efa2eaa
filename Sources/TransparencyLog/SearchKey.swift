import SigstoreKit
import WireFormat

/// How search keys are spelled in the index: a kind prefix keeps artifact hashes, identities and key
/// fingerprints apart, and everything is lowercased (searches are case-insensitive, as in Rekor).
public enum SearchKey {
    public static func artifactHash(_ value: String) -> String { "hash:" + value.lowercased() }
    public static func identity(_ value: String) -> String { "identity:" + value.lowercased() }
    public static func publicKey(_ fingerprint: String) -> String { "key:" + fingerprint.lowercased() }

    static func keys(for keys: EntrySearchKeys) -> [String] {
        // A set of `String`s would merge `é` and `e` + U+0301 and index only one of them.
        var all = Set<ExactString>()
        for value in keys.artifactHashes { all.insert(ExactString(artifactHash(value))) }
        for value in keys.identities { all.insert(ExactString(identity(value))) }
        for value in keys.publicKeyFingerprints { all.insert(ExactString(publicKey(value))) }
        return all.map(\.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
