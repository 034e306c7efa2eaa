import Foundation
import SigstoreKit
import WireFormat

/// An OCI image layout directory (OCI `image-layout.md`): `oci-layout` (`{"imageLayoutVersion":
/// "1.0.0"}`), `index.json`, and content-addressed `blobs/<alg>/<hex>`.
///
/// Reading verifies every blob it returns against its digest (and its descriptor's size).
/// Writing only ever adds: new blobs (an existing blob is never replaced), then one atomic
/// rewrite of `index.json` (temporary file + rename) that appends descriptors and keeps
/// everything else as it was, under an exclusive `flock` of the layout directory so concurrent
/// writers do not lose each other's entries.
public struct OCIImageLayout: Sendable {
    public static let layoutVersion = "1.0.0"
    /// The most bytes Sigil reads of any blob: it reads manifests, indexes and bundles, never layers.
    public static let maximumBlobSize = maximumFetchSize

    public let root: String
    /// `index.json` as last read or written.
    public private(set) var index: OCIIndex

    /// Opens the layout at `path`, checking `oci-layout` and parsing `index.json`.
    public init(path: String) throws(ImageStoreError) {
        root = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notALayout(path: path, reason: "no such directory")
        }
        guard let marker = FileManager.default.contents(atPath: path + "/oci-layout") else {
            throw .notALayout(path: path, reason: "it has no oci-layout file")
        }
        guard let json = try? JSONValue(parsing: Array(marker)), let version = json["imageLayoutVersion"]?.stringValue else {
            throw .notALayout(path: path, reason: "oci-layout is not {\"imageLayoutVersion\": \"1.0.0\"}")
        }
        guard version == Self.layoutVersion else {
            throw .notALayout(path: path, reason: "imageLayoutVersion \(JSONError.quoted(version)) is not \(Self.layoutVersion)")
        }
        index = try Self.readIndex(root: path)
    }

    /// Creates an empty layout at `path` (the directory may exist, empty), or opens the layout
    /// already there: the destination of a copy.
    public static func openOrCreate(path: String) throws(ImageStoreError) -> OCIImageLayout {
        let manager = FileManager.default
        if manager.fileExists(atPath: path + "/oci-layout") { return try OCIImageLayout(path: path) }
        if let existing = try? manager.contentsOfDirectory(atPath: path), !existing.isEmpty {
            throw .notALayout(path: path, reason: "the directory is not empty and has no oci-layout file")
        }
        do {
            try manager.createDirectory(atPath: path + "/blobs/sha256", withIntermediateDirectories: true)
            try AtomicFile.write(CanonicalJSON.encode(["imageLayoutVersion": .string(layoutVersion)]), to: path + "/oci-layout", permissions: 0o644)
            try AtomicFile.write(OCIIndex(manifests: []).encoded, to: path + "/index.json", permissions: 0o644)
        } catch {
            throw .writeFailed("\(path): \(error)")
        }
        return try OCIImageLayout(path: path)
    }

    private static func readIndex(root: String) throws(ImageStoreError) -> OCIIndex {
        guard let data = FileManager.default.contents(atPath: root + "/index.json") else {
            throw .notALayout(path: root, reason: "it has no readable index.json")
        }
        guard data.count <= OCIDocument.maximumSize else { throw .malformed("index.json is larger than \(OCIDocument.maximumSize) bytes") }
        return try OCIIndex(parsing: Array(data), name: "index.json")
    }

    // MARK: - Reading

    /// The blob's bytes, verified against `digest` (and `size`, when given).
    public func blob(_ digest: OCIDigest, size: Int64? = nil) throws(ImageStoreError) -> [UInt8] {
        let path = root + "/" + digest.blobPath
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .missingBlob(digest) }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: Self.maximumBlobSize + 1) ?? Data() } catch { throw .missingBlob(digest) }
        guard data.count <= Self.maximumBlobSize else { throw .malformed("blob \(digest) is larger than Sigil reads (\(Self.maximumBlobSize) bytes)") }
        let bytes = Array(data)
        let actual = digest.computed(over: bytes)
        guard actual == digest else { throw .digestMismatch(expected: digest, actual: actual) }
        if let size, size != Int64(bytes.count) { throw .sizeMismatch(digest, expected: size, actual: Int64(bytes.count)) }
        return bytes
    }

    /// The blob a descriptor names, verified against its digest and size.
    public func blob(_ descriptor: OCIDescriptor) throws(ImageStoreError) -> [UInt8] {
        try blob(descriptor.digest, size: descriptor.size)
    }

    /// The image manifest a descriptor names.
    public func manifest(_ descriptor: OCIDescriptor) throws(ImageStoreError) -> OCIManifest {
        try OCIManifest(parsing: try blob(descriptor), name: descriptor.digest.description)
    }

    /// The image index a descriptor names.
    public func imageIndex(_ descriptor: OCIDescriptor) throws(ImageStoreError) -> OCIIndex {
        try OCIIndex(parsing: try blob(descriptor), name: "index \(descriptor.digest)")
    }

    /// The platform manifests of an index (empty for a manifest).
    public func children(of descriptor: OCIDescriptor) throws(ImageStoreError) -> [OCIDescriptor] {
        OCIMediaType.isIndex(descriptor.mediaType) ? try imageIndex(descriptor).manifests : []
    }

    /// How deep image indexes may nest; real images use one or two levels.
    public static let maximumIndexDepth = 16

    /// Hashes a blob of any size as a stream, checking it against the descriptor's digest and size.
    func checkIntact(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {
        try await read(descriptor) { _ in }
    }

    /// Reads a blob in chunks of 1 MiB, handing each to `consume` and hashing it; throws after the
    /// last chunk when the bytes do not match the descriptor's digest or size.
    func read(_ descriptor: OCIDescriptor, _ consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError) {
        let path = root + "/" + descriptor.digest.blobPath
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .missingBlob(descriptor.digest) }
        defer { try? handle.close() }
        var hasher = descriptor.digest.hasher()
        var size: Int64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw .missingBlob(descriptor.digest) }
            if chunk.isEmpty { break }
            size += Int64(chunk.count)
            hasher.update(chunk)
            try await consume(Array(chunk))
        }
        guard size == descriptor.size else { throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: size) }
        let actual = hasher.finalize()
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
    }

    /// The tags `index.json` gives `digest`.
    public func tags(of digest: OCIDigest) -> [String] {
        index.manifests.filter { $0.digest == digest }.compactMap(\.tag).sorted()
    }

    /// Finds what a reference names: the tagged manifest, the one with the digest (in
    /// `index.json` or inside one of its indexes), or the layout's only image.
    public func resolve(_ selector: OCIReference.Selector) throws(ImageStoreError) -> OCIDescriptor {
        switch selector {
        case .tag(let tag):
            let matches = index.manifests.filter { $0.tag?.isExactly(tag) == true }
            guard let first = matches.first else {
                throw .unknownTag(tag, available: Array(Set(index.manifests.compactMap(\.tag))).sorted())
            }
            guard matches.allSatisfy({ $0.digest == first.digest }) else { throw .ambiguous("tag \(JSONError.quoted(tag)) names several manifests") }
            return first
        case .digest(let digest):
            var queue = index.manifests
            var seen: Set<OCIDigest> = []
            while !queue.isEmpty {
                let descriptor = queue.removeFirst()
                if descriptor.digest == digest { return descriptor }
                guard seen.insert(descriptor.digest).inserted, OCIMediaType.isIndex(descriptor.mediaType) else { continue }
                queue += try children(of: descriptor)
            }
            throw .unknownDigest(digest)
        case .only:
            var images: [OCIDescriptor] = []
            for descriptor in index.manifests where !images.contains(where: { $0.digest == descriptor.digest }) {
                if OCIMediaType.isManifest(descriptor.mediaType), try manifest(descriptor).subject != nil { continue }
                if OCIMediaType.isManifest(descriptor.mediaType) || OCIMediaType.isIndex(descriptor.mediaType) { images.append(descriptor) }
            }
            guard images.count == 1 else {
                let tags = Array(Set(index.manifests.compactMap(\.tag))).sorted()
                throw .ambiguous(images.isEmpty ? "the layout \(root) holds no image"
                    : "the layout \(root) holds \(images.count) images; name one as DIR:tag or DIR@sha256:…" + (tags.isEmpty ? "" : " (tags: \(tags.joined(separator: ", ")))"))
            }
            return images[0]
        }
    }

    /// The referrers of `digest`: every image manifest listed in `index.json` whose `subject`
    /// has that digest (what a registry's referrers API answers), in index order.
    public func referrers(of digest: OCIDigest) throws(ImageStoreError) -> [OCIReferrer] {
        var found: [OCIReferrer] = []
        for descriptor in index.manifests where OCIMediaType.isManifest(descriptor.mediaType) && !found.contains(where: { $0.descriptor.digest == descriptor.digest }) {
            let manifest = try manifest(descriptor)
            if manifest.subject?.digest == digest { found.append(OCIReferrer(descriptor: descriptor, manifest: manifest)) }
        }
        return found
    }

    // MARK: - Writing

    /// Stores `bytes` as a blob and returns its digest. An existing blob with the same digest is
    /// kept (after checking it is intact), never rewritten.
    @discardableResult
    public func writeBlob(_ bytes: [UInt8], algorithm: String = "sha256") throws(ImageStoreError) -> OCIDigest {
        let digest = OCIDigest.computed(over: bytes, algorithm: algorithm)
        let path = root + "/" + digest.blobPath
        if FileManager.default.fileExists(atPath: path) {
            _ = try blob(digest, size: Int64(bytes.count))
            return digest
        }
        do {
            try FileManager.default.createDirectory(atPath: root + "/blobs/" + digest.algorithm, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: path, permissions: 0o644)
        } catch {
            throw .writeFailed("\(error)")
        }
        return digest
    }

    /// Appends `descriptors` to `index.json` in one atomic rewrite. The index is re-read under an
    /// exclusive lock of the layout directory first, so entries another writer added meanwhile
    /// are kept; descriptors already listed (same digest and tag) are not added twice. Write the
    /// blobs they name first: a reader must never find an index entry whose blob is missing.
    /// A tag names one image: with `movingTags`, an entry whose tag a new descriptor takes for
    /// another digest loses the tag and stays listed (as a registry moves a tag and keeps the
    /// manifest); without, the tag is left to both and resolving it reports the ambiguity.
    public mutating func append(_ descriptors: [OCIDescriptor], movingTags: Bool = false) throws(ImageStoreError) {
        for descriptor in descriptors {
            guard FileManager.default.fileExists(atPath: root + "/" + descriptor.digest.blobPath) else { throw .missingBlob(descriptor.digest) }
        }
        let fd = open(root, O_RDONLY)
        guard fd >= 0 else { throw .writeFailed("\(root): cannot open the directory") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw .writeFailed("\(root): cannot lock the directory") }
        defer { flock(fd, LOCK_UN) }
        var current = try Self.readIndex(root: root)
        if movingTags {
            for descriptor in descriptors {
                guard let tag = descriptor.tag else { continue }
                // The image the tag named stays listed, untagged, so it is still found by digest.
                for k in current.manifests.indices where current.manifests[k].tag?.isExactly(tag) == true && current.manifests[k].digest != descriptor.digest {
                    current.manifests[k].annotations[OCIAnnotation.refName] = nil
                }
            }
        }
        for descriptor in descriptors where !current.manifests.contains(where: { $0.digest == descriptor.digest && ($0.tag ?? "").isExactly(descriptor.tag ?? "") && ($0.tag == nil) == (descriptor.tag == nil) }) {
            current.manifests.append(descriptor)
        }
        do { try AtomicFile.write(current.encoded, to: root + "/index.json", permissions: 0o644) } catch {
            throw .writeFailed("\(error)")
        }
        index = current
    }
}
