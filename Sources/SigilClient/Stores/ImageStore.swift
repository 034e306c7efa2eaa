import SigstoreKit
import WireFormat

/// Where images live: an OCI image layout on disk (`LayoutStore`) or a repository of a registry
/// that speaks the OCI distribution spec (`RegistryStore`). The image commands (sign, attest,
/// verify, tree, lifecycle, policy, copy) are written once against this protocol.
///
/// Nothing a store returns is trusted: every manifest and blob it reads is checked against the
/// digest (and size) that names it before anyone sees it. Writes add and never replace: blobs
/// first, then manifests, then what makes them findable (a tag, `index.json`, a referrers index),
/// so a reader never finds a manifest whose blobs are missing.
public protocol ImageStore: Sendable {
    /// How messages name the store: a layout's path, or `host/repository` of a registry.
    var location: String { get }

    // MARK: Reading

    /// The descriptor a tag or digest names. `.only` is the one image a layout holds; a registry
    /// refuses it (a registry reference always names a tag or a digest).
    func resolve(_ selector: OCIReference.Selector) async throws(ImageStoreError) -> OCIDescriptor

    /// The bytes of a manifest, an index or a small blob (at most `maximumFetchSize`), checked
    /// against the descriptor's digest and size.
    func fetch(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> [UInt8]

    /// Streams a blob of any size, in order. The bytes are hashed as they pass; the call throws
    /// after the last chunk when they do not match the digest or size, so a consumer must not
    /// commit what it received before the call returns.
    func stream(_ descriptor: OCIDescriptor,
                into consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError)

    /// Checks that a config or layer blob is present and intact. A layout hashes it; a registry
    /// checks that it exists with the stated size (a registry verifies the digest of what it is
    /// given, and whoever pulls the image verifies it again).
    func checkPresent(_ descriptor: OCIDescriptor) async throws(ImageStoreError)

    /// The manifests whose `subject` has `digest` (OCI 1.1 referrers), each with the artifact type
    /// and annotations its listing gives, in the order the store lists them.
    func referrers(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIReferrer]

    /// The tags known to name `digest`: a layout's `ref.name` annotations, or the tag a registry
    /// reference was resolved from.
    func tags(of digest: OCIDigest) async -> [String]

    // MARK: Writing

    /// Whether the store already holds the blob (copies skip it).
    func hasBlob(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> Bool

    /// Stores a small blob whose bytes are in memory.
    func putBlob(_ bytes: [UInt8], as descriptor: OCIDescriptor) async throws(ImageStoreError)

    /// Copies a blob from another store: mounted when both are repositories of one registry,
    /// streamed otherwise (and then committed only once its digest has been checked).
    func copyBlob(_ descriptor: OCIDescriptor, from source: any ImageStore,
                  progress: TransferProgress?) async throws(ImageStoreError)

    /// Stores a manifest or an index whose blobs and children are already stored. An `.image` is
    /// made findable on its own (a layout lists it in `index.json`; both tag it when a tag is
    /// given); a `.child` of an index is found through the index.
    func putManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, role: ManifestRole) async throws(ImageStoreError)

    /// Stores referrer manifests (whose blobs are already stored) and makes each findable from
    /// its subject: a layout appends them to `index.json` in one write; a registry pushes them
    /// by digest and, unless it answered with `OCI-Subject`, adds them to the subject's fallback
    /// tag index.
    func putReferrers(_ referrers: [ReferrerUpload]) async throws(ImageStoreError)
}

/// The most bytes `fetch` reads: Sigil reads manifests, indexes, configs and bundles that way, and
/// streams layers.
public let maximumFetchSize = 16 << 20

/// How a stored manifest is found: on its own (an image, perhaps tagged), or through the index
/// that lists it.
public enum ManifestRole: Sendable, Equatable {
    case image(tag: String?)
    case child
}

/// The most referrers Sigil reads for one image: each is fetched and verified, so a hostile
/// listing must not make that unbounded (real images carry a handful).
public let maximumReferrers = 1_000

/// How deep referrers of referrers are followed (a signature over an attestation is two).
public let maximumReferrerDepth = 8

/// A manifest that refers to another through its `subject` (an OCI 1.1 referrer).
public struct OCIReferrer: Sendable, Equatable {
    /// Its descriptor as listed (with `artifactType` and annotations).
    public let descriptor: OCIDescriptor
    public let manifest: OCIManifest

    public init(descriptor: OCIDescriptor, manifest: OCIManifest) {
        self.descriptor = descriptor
        self.manifest = manifest
    }
}

/// A referrer manifest to store: its bytes, its descriptor (as a referrers listing should show
/// it: `artifactType` and annotations), and the subject it refers to.
public struct ReferrerUpload: Sendable {
    public let bytes: [UInt8]
    public let descriptor: OCIDescriptor
    public let subject: OCIDescriptor

    public init(bytes: [UInt8], descriptor: OCIDescriptor, subject: OCIDescriptor) {
        self.bytes = bytes
        self.descriptor = descriptor
        self.subject = subject
    }
}

extension ImageStore {
    /// Checks several blobs at once (a registry answers the HEADs concurrently; a layout hashes
    /// on both cores); the first failure in list order is thrown.
    func checkPresent(_ parts: [OCIDescriptor]) async throws(ImageStoreError) {
        let failures = await withTaskGroup(of: (Int, ImageStoreError?).self) { group in
            for (k, part) in parts.enumerated() {
                group.addTask {
                    do throws(ImageStoreError) { try await self.checkPresent(part) } catch { return (k, error) }
                    return (k, nil)
                }
            }
            var failures: [(Int, ImageStoreError)] = []
            for await (k, error) in group { if let error { failures.append((k, error)) } }
            return failures
        }
        if let first = failures.min(by: { $0.0 < $1.0 }) { throw first.1 }
    }

    /// The image manifest a descriptor names.
    public func manifest(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> OCIManifest {
        try OCIManifest(parsing: try await fetch(descriptor), name: descriptor.digest.description)
    }

    /// The image index a descriptor names.
    public func imageIndex(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> OCIIndex {
        try OCIIndex(parsing: try await fetch(descriptor), name: "index \(descriptor.digest)")
    }

    /// The manifests an index lists (empty for a manifest).
    public func children(of descriptor: OCIDescriptor) async throws(ImageStoreError) -> [OCIDescriptor] {
        OCIMediaType.isIndex(descriptor.mediaType) ? try await imageIndex(descriptor).manifests : []
    }

    /// `location@sha256:…`, with the descriptor's platform and tags, for people.
    public func describe(_ descriptor: OCIDescriptor) async -> String {
        var text = "\(location)@\(descriptor.digest)"
        if let platform = descriptor.platformName { text += " (\(platform))" }
        let tags = await tags(of: descriptor.digest)
        if !tags.isEmpty { text += " [\(tags.joined(separator: ", "))]" }
        return text
    }

    /// Checks that everything an image needs is present and intact: its manifest or index, and
    /// for each manifest the config and every layer (`checkPresent`). Each blob is checked once,
    /// however often the image lists it (platforms share layers; a hostile index may list one
    /// child thousands of times), and indexes nest at most `OCIImageLayout.maximumIndexDepth` deep.
    public func checkComplete(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {
        var checked: Set<String> = []
        try await checkComplete(descriptor, depth: 1, checked: &checked)
    }

    /// `checked` holds digest and size of every descriptor seen: a repeat with another size is still checked.
    private func checkComplete(_ descriptor: OCIDescriptor, depth: Int, checked: inout Set<String>) async throws(ImageStoreError) {
        guard checked.insert("\(descriptor.digest) \(descriptor.size)").inserted else { return }
        if OCIMediaType.isIndex(descriptor.mediaType) {
            guard depth <= OCIImageLayout.maximumIndexDepth else {
                throw .malformed("\(descriptor.digest): image indexes nest more than \(OCIImageLayout.maximumIndexDepth) deep")
            }
            for child in try await children(of: descriptor) where OCIMediaType.isManifest(child.mediaType) || OCIMediaType.isIndex(child.mediaType) {
                try await checkComplete(child, depth: depth + 1, checked: &checked)
            }
        } else if OCIMediaType.isManifest(descriptor.mediaType) {
            let manifest = try await manifest(descriptor)
            let parts = ([manifest.config] + manifest.layers).filter { checked.insert("\($0.digest) \($0.size)").inserted }
            try await checkPresent(parts)
        } else {
            throw .malformed("\(descriptor.digest) is a \(descriptor.mediaType), not an image manifest or index")
        }
    }
}
