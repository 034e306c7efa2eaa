import Foundation
import SigstoreKit
import Synchronization
import WireFormat

/// An OCI image layout on disk as an `ImageStore`. Reads verify every blob against its digest;
/// writes only add blobs (a temporary file renamed into place once its digest checked out) and
/// append to `index.json` under the layout's lock (`OCIImageLayout.append`).
public final class LayoutStore: ImageStore {
    private let layout: Mutex<OCIImageLayout>
    public let location: String

    public init(_ layout: OCIImageLayout) {
        location = layout.root
        self.layout = Mutex(layout)
    }

    /// Opens the layout at `path`.
    public convenience init(path: String) throws(ImageStoreError) {
        self.init(try OCIImageLayout(path: path))
    }

    /// The layout as last read or written.
    public var current: OCIImageLayout { layout.withLock { $0 } }

    public func resolve(_ selector: OCIReference.Selector) async throws(ImageStoreError) -> OCIDescriptor {
        try current.resolve(selector)
    }

    public func fetch(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> [UInt8] {
        try current.blob(descriptor)
    }

    public func stream(_ descriptor: OCIDescriptor,
                       into consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError) {
        try await current.read(descriptor, consume)
    }

    public func checkPresent(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {
        try await current.checkIntact(descriptor)
    }

    public func referrers(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIReferrer] {
        try current.referrers(of: digest)
    }

    public func tags(of digest: OCIDigest) async -> [String] {
        current.tags(of: digest)
    }

    /// A blob already stored is checked before it is relied on: a copy never replaces a blob, so a
    /// corrupt one must stop the copy rather than be kept.
    public func hasBlob(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> Bool {
        guard FileManager.default.fileExists(atPath: location + "/" + descriptor.digest.blobPath) else { return false }
        try await checkPresent(descriptor)
        return true
    }

    public func putBlob(_ bytes: [UInt8], as descriptor: OCIDescriptor) async throws(ImageStoreError) {
        let actual = descriptor.digest.computed(over: bytes)
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
        guard Int64(bytes.count) == descriptor.size else { throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: Int64(bytes.count)) }
        try current.writeBlob(bytes, algorithm: descriptor.digest.algorithm)
    }

    public func copyBlob(_ descriptor: OCIDescriptor, from source: any ImageStore,
                         progress: TransferProgress?) async throws(ImageStoreError) {
        defer { progress?.finishBlob() }
        if try await hasBlob(descriptor) { return }
        let directory = location + "/blobs/" + descriptor.digest.algorithm
        let final = location + "/" + descriptor.digest.blobPath
        let temporary = directory + "/.\(descriptor.digest.hex).\(UInt32.random(in: .min ... .max)).tmp"
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed("\(directory): \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o644]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw .writeFailed("\(directory): cannot create a file there")
        }
        var committed = false
        defer {
            try? handle.close()
            if !committed { unlink(temporary) }
        }
        // The source checks the digest after the last chunk; the file is renamed into place only then.
        try await source.stream(descriptor) { (chunk) throws(ImageStoreError) in
            do { try handle.write(contentsOf: chunk) } catch { throw .writeFailed("\(temporary): \(error.localizedDescription)") }
            progress?.add(bytes: Int64(chunk.count))
        }
        do { try handle.synchronize() } catch { throw .writeFailed("\(temporary): \(error.localizedDescription)") }
        guard rename(temporary, final) == 0 else { throw .writeFailed("\(final): \(String(cString: strerror(errno)))") }
        committed = true
    }

    public func putManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, role: ManifestRole) async throws(ImageStoreError) {
        try await putBlob(bytes, as: descriptor)
        guard case .image(let tag) = role else { return }
        var listed = OCIDescriptor(mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size,
                                   artifactType: descriptor.artifactType, annotations: descriptor.annotations, platform: descriptor.platform)
        listed.annotations[OCIAnnotation.refName] = tag
        try layout.withLock { (layout) throws(ImageStoreError) in try layout.append([listed], movingTags: true) }
    }

    public func putReferrers(_ referrers: [ReferrerUpload]) async throws(ImageStoreError) {
        guard !referrers.isEmpty else { return }
        for referrer in referrers { try await putBlob(referrer.bytes, as: referrer.descriptor) }
        try append(referrers.map(\.descriptor))
    }

    private func append(_ descriptors: [OCIDescriptor]) throws(ImageStoreError) {
        try layout.withLock { (layout) throws(ImageStoreError) in try layout.append(descriptors) }
    }
}
