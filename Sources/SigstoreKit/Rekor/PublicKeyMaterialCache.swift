import Crypto
import Merkle
import Synchronization

/// Recently parsed entry key material, by the SHA-256 of the PEM text it was read from, so a log
/// that receives many entries from one signer (a CI certificate signs a whole release; a key signs
/// for years) parses and chain-checks each certificate once. Only successful parses are kept; the
/// PEM text decides the result completely, so a hit gives exactly what parsing again would. The
/// entry's own signature is still checked on every entry by `HashedRekordV001.verifySignature`.
final class PublicKeyMaterialCache: Sendable {
    /// Entries kept; at most a few MB of parsed certificates.
    static let capacity = 512
    static let shared = PublicKeyMaterialCache()

    private let entries = Mutex<[Hash: PublicKeyMaterial]>([:])

    /// The material parsed from `pem` before, or `parse()`'s result, remembered.
    func material(pem: [UInt8], parse: () throws(EntryError) -> PublicKeyMaterial) throws(EntryError) -> PublicKeyMaterial {
        let key = Hash(Array(SHA256.hash(data: pem)))!
        if let found = entries.withLock({ $0[key] }) { return found }
        let parsed = try parse()
        entries.withLock { entries in
            // Full: start again rather than track ages; the signers in use come back within a few entries.
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = parsed
        }
        return parsed
    }
}
