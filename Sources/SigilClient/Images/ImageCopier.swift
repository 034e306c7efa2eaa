import SigstoreKit
import WireFormat

/// Copies an image, or an index with every manifest it lists, and everything that refers to them
/// (signatures, attestations, lifecycle statements, and what refers to those) from one store to
/// another: registry to registry (a cross-repository mount when both are on one registry),
/// layout to registry, registry to layout.
///
/// Order is what keeps a failed copy from being deployed: blobs, then child manifests and the
/// image's manifest by digest, then the referrers (so a quarantine statement is never missing
/// once the image is tagged), and only last the tag (a registry) or the `index.json` entry (a
/// layout) that names the image. Referrers copied before a failure stay listed under the image's
/// digest. Every byte read from the source
/// is checked against its digest before the destination commits it.
public struct ImageCopier: Sendable {
    public let source: any ImageStore
    public let destination: any ImageStore
    public let progress: TransferProgress?


    public init(from source: any ImageStore, to destination: any ImageStore, progress: TransferProgress? = nil) {
        self.source = source
        self.destination = destination
        self.progress = progress
    }

    /// What a copy wrote.
    public struct Copied: Sendable {
        public let image: OCIDescriptor
        /// Image manifests and indexes copied (the image and its platform manifests).
        public let manifests: [OCIDigest]
        /// Referrer manifests copied, in the order they were stored.
        public let referrers: [OCIReferrer]
    }

    /// Copies `image` and its referrers; the destination names it `tag` when given.
    public func copy(_ image: OCIDescriptor, tag: String?) async throws(ImageStoreError) -> Copied {
        var manifests: [OCIDigest] = []
        var visited: Set<OCIDigest> = []
        try await copyContent(image, depth: 1, isRoot: true, copied: &manifests, visited: &visited)
        var referrers: [OCIReferrer] = []
        var seenReferrers: Set<OCIDigest> = []
        for digest in manifests {
            try await copyReferrers(of: digest, depth: 1, copied: &referrers, seen: &seenReferrers)
        }
        try await destination.putManifest(try await source.fetch(image), as: image, role: .image(tag: tag))
        return Copied(image: image, manifests: manifests, referrers: referrers)
    }

    /// The manifest or index and everything it needs, children first. The root is stored by
    /// digest only here; `copy` lists or tags it last.
    private func copyContent(_ descriptor: OCIDescriptor, depth: Int, isRoot: Bool,
                             copied: inout [OCIDigest], visited: inout Set<OCIDigest>) async throws(ImageStoreError) {
        guard visited.insert(descriptor.digest).inserted else { return }
        let bytes = try await source.fetch(descriptor)
        if OCIMediaType.isIndex(descriptor.mediaType) {
            guard depth <= OCIImageLayout.maximumIndexDepth else {
                throw .malformed("\(descriptor.digest): image indexes nest more than \(OCIImageLayout.maximumIndexDepth) deep")
            }
            for child in try OCIIndex(parsing: bytes, name: "index \(descriptor.digest)").manifests
            where OCIMediaType.isManifest(child.mediaType) || OCIMediaType.isIndex(child.mediaType) {
                try await copyContent(child, depth: depth + 1, isRoot: false, copied: &copied, visited: &visited)
            }
        } else if OCIMediaType.isManifest(descriptor.mediaType) {
            try await copyBlobs(of: try OCIManifest(parsing: bytes, name: descriptor.digest.description))
        } else {
            throw .malformed("\(descriptor.digest) is a \(descriptor.mediaType), not an image manifest or index")
        }
        try await destination.putManifest(bytes, as: descriptor, role: .child)
        copied.append(descriptor.digest)
    }

    private func copyBlobs(of manifest: OCIManifest) async throws(ImageStoreError) {
        var done: Set<OCIDigest> = []
        for blob in [manifest.config] + manifest.layers where done.insert(blob.digest).inserted {
            try await destination.copyBlob(blob, from: source, progress: progress)
        }
    }

    /// Every referrer of `digest` (image manifests only), its blobs, and its own referrers.
    private func copyReferrers(of digest: OCIDigest, depth: Int, copied: inout [OCIReferrer],
                               seen: inout Set<OCIDigest>) async throws(ImageStoreError) {
        guard depth <= maximumReferrerDepth else { return }
        var uploads: [ReferrerUpload] = []
        var found: [OCIReferrer] = []
        for referrer in try await source.referrers(of: digest) where seen.insert(referrer.descriptor.digest).inserted {
            guard let subject = referrer.manifest.subject else { continue }
            try await copyBlobs(of: referrer.manifest)
            let bytes = try await source.fetch(referrer.descriptor)
            // Listed as the manifest itself says, not as the source's listing claimed.
            let listing = OCIDescriptor(mediaType: referrer.descriptor.mediaType, of: bytes,
                                        artifactType: referrer.manifest.effectiveArtifactType, annotations: referrer.manifest.annotations)
            uploads.append(ReferrerUpload(bytes: bytes, descriptor: listing, subject: subject))
            found.append(referrer)
        }
        try await destination.putReferrers(uploads)
        copied += found
        for referrer in found {
            try await copyReferrers(of: referrer.descriptor.digest, depth: depth + 1, copied: &copied, seen: &seen)
        }
    }
}
