import Synchronization
import WireFormat

/// What a `RegistryStore` learns as it goes, shared by its copies: manifests read or written by
/// digest (immutable, so never stale; bounded by `maximumCachedBytes`), the tags it resolved or
/// pushed, and whether the registry serves the referrers API.
final class RegistryStoreState: Sendable {
    private struct State {
        var manifests: [OCIDigest: [UInt8]] = [:]
        var cachedBytes = 0
        var tags: [ExactString: OCIDigest] = [:]
        var referrersAPI: Bool?
    }

    private let state = Mutex(State())
    /// Manifests are small; a hostile index listing thousands still cannot fill memory.
    static let maximumCachedBytes = 64 << 20

    func manifest(_ digest: OCIDigest) -> [UInt8]? {
        state.withLock { $0.manifests[digest] }
    }

    /// Keeps `bytes`, which the caller has checked hash to `digest`.
    func cache(_ bytes: [UInt8], as digest: OCIDigest) {
        state.withLock { state in
            guard state.manifests[digest] == nil, state.cachedBytes + bytes.count <= Self.maximumCachedBytes else { return }
            state.manifests[digest] = bytes
            state.cachedBytes += bytes.count
        }
    }

    func record(tag: String, digest: OCIDigest) {
        state.withLock { $0.tags[ExactString(tag)] = digest }
    }

    func tags(of digest: OCIDigest) -> [String] {
        state.withLock { state in state.tags.filter { $0.value == digest }.map(\.key.text) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Whether `GET /v2/<name>/referrers/<digest>` is served: nil until probed.
    var referrersAPI: Bool? { state.withLock { $0.referrersAPI } }

    func setReferrersAPI(_ available: Bool) {
        state.withLock { $0.referrersAPI = available }
    }
}
