import SigilClient

/// Blobs held in memory, as the source of a copy: `stream` hands them out in chunks and checks
/// them like a real store, so a `corrupt` blob (bytes that do not hash to their descriptor's
/// digest) fails after its last chunk, as a tampered layer on disk would. Holds no manifests.
struct RegistryMemorySource: ImageStore {
    let blobs: [OCIDigest: [UInt8]]
    var chunkSize = 1 << 20
    var location: String { "memory" }

    /// A store holding `bytes` under their own digest.
    init(_ bytes: [UInt8]...) {
        blobs = Dictionary(bytes.map { (OCIDigest.sha256(of: $0), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A store holding `bytes` under `digest`, which they do not hash to.
    init(corrupt bytes: [UInt8], as digest: OCIDigest) {
        blobs = [digest: bytes]
    }

    func resolve(_ selector: OCIReference.Selector) async throws(ImageStoreError) -> OCIDescriptor {
        throw .ambiguous("a memory source holds blobs only")
    }

    func fetch(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> [UInt8] {
        guard let bytes = blobs[descriptor.digest] else { throw .missingBlob(descriptor.digest) }
        let actual = OCIDigest.sha256(of: bytes)
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
        return bytes
    }

    func stream(_ descriptor: OCIDescriptor, into consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError) {
        guard let bytes = blobs[descriptor.digest] else { throw .missingBlob(descriptor.digest) }
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try await consume(Array(bytes[start..<end]))
            start = end
        }
        let actual = OCIDigest.sha256(of: bytes)
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
    }

    func checkPresent(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {
        guard blobs[descriptor.digest] != nil else { throw .missingBlob(descriptor.digest) }
    }

    func referrers(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIReferrer] { [] }
    func tags(of digest: OCIDigest) async -> [String] { [] }
    func hasBlob(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> Bool { blobs[descriptor.digest] != nil }

    func putBlob(_ bytes: [UInt8], as descriptor: OCIDescriptor) async throws(ImageStoreError) {
        throw .writeFailed("a memory source is read-only")
    }

    func copyBlob(_ descriptor: OCIDescriptor, from source: any ImageStore, progress: TransferProgress?) async throws(ImageStoreError) {
        throw .writeFailed("a memory source is read-only")
    }

    func putManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, role: ManifestRole) async throws(ImageStoreError) {
        throw .writeFailed("a memory source is read-only")
    }

    func putReferrers(_ referrers: [ReferrerUpload]) async throws(ImageStoreError) {
        throw .writeFailed("a memory source is read-only")
    }
}

/// Deterministic pseudo-random bytes (xorshift), so large test blobs need no fixture files and
/// never compress or repeat.
func registryTestBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var bytes = [UInt8](repeating: 0, count: count)
    for k in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[k] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}
