import NIOHTTP1
import WireFormat

/// Pushing blobs and manifests (distribution-spec §Push).
extension RegistryStore {
    /// Blobs up to this size go up in one `PUT`; larger ones in `PATCH` chunks of this size.
    static let chunkSize = 8 << 20

    public func putBlob(_ bytes: [UInt8], as descriptor: OCIDescriptor) async throws(ImageStoreError) {
        // Never offer the registry bytes under a digest they do not have.
        try Self.check(bytes, against: descriptor)
        if try await hasBlob(descriptor) { return }
        guard case .session(let upload) = try await BlobUpload.start(client, repository: repository) else {
            preconditionFailure("RegistryStore: an upload without a mount cannot be mounted")
        }
        do { try await upload.finish(descriptor.digest, finalChunk: bytes) } catch {
            await upload.cancel()
            throw error
        }
    }

    public func copyBlob(_ descriptor: OCIDescriptor, from source: any ImageStore,
                         progress: TransferProgress?) async throws(ImageStoreError) {
        if try await hasBlob(descriptor) {
            progress?.finishBlob()
            return
        }
        let start: BlobUpload.Start
        if let other = source as? RegistryStore, other.client.origin == client.origin, !other.repository.isExactly(repository) {
            start = try await BlobUpload.start(client, repository: repository, mounting: (descriptor.digest, other.repository))
        } else {
            start = try await BlobUpload.start(client, repository: repository)
        }
        guard case .session(var upload) = start else {
            progress?.finishBlob()
            return
        }
        // `upload` follows each answer's Location, so a cancel goes to where the session is now.
        do { try await transfer(descriptor, from: source, into: &upload, progress: progress) } catch {
            // Nothing was committed: the session is dropped with whatever it received.
            await upload.cancel()
            throw error
        }
        progress?.finishBlob()
    }

    /// Streams the blob from `source` into `upload` and commits it once `source.stream` has
    /// returned, that is once the source has checked every byte against the digest and size.
    private func transfer(_ descriptor: OCIDescriptor, from source: any ImageStore, into upload: inout BlobUpload,
                          progress: TransferProgress?) async throws(ImageStoreError) {
        var pending: [UInt8] = []
        var received: Int64 = 0
        let monolithic = descriptor.size <= Int64(Self.chunkSize)
        try await source.stream(descriptor) { (chunk: [UInt8]) async throws(ImageStoreError) in
            received += Int64(chunk.count)
            guard received <= descriptor.size else { throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: received) }
            pending += chunk
            while !monolithic, pending.count >= Self.chunkSize {
                let part = Array(pending[..<Self.chunkSize])
                try await upload.append(part)
                pending.removeFirst(Self.chunkSize)
                progress?.add(bytes: Int64(part.count))
            }
        }
        // ← the commit point: only now are the bytes known to be the blob's.
        if monolithic {
            try await upload.finish(descriptor.digest, finalChunk: pending)
        } else {
            try await upload.append(pending)
            try await upload.finish(descriptor.digest)
        }
        if !pending.isEmpty { progress?.add(bytes: Int64(pending.count)) }
    }

    /// Children and untagged images are stored by digest only: a registry finds them by it.
    public func putManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, role: ManifestRole) async throws(ImageStoreError) {
        var tag: String?
        if case .image(let name) = role { tag = name }
        if let tag { try RegistryReference.checkTag(tag) }
        _ = try await pushManifest(bytes, as: descriptor)
        if let tag {
            _ = try await pushManifest(bytes, as: descriptor, reference: tag)
            state.record(tag: tag, digest: descriptor.digest)
        }
    }

    /// `PUT /v2/<name>/manifests/<reference>` (the digest unless a tag is given), with the
    /// descriptor's media type as Content-Type. Returns the answer (its `OCI-Subject` matters).
    ///
    /// Distribution 2.8 can briefly deny a blob it has just acknowledged while other clients
    /// commit the same blob (the empty config every signature shares): `MANIFEST_BLOB_UNKNOWN`
    /// is retried a few times, after a short pause, before it is an error.
    func pushManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, reference: String? = nil) async throws(ImageStoreError) -> RegistryResponse {
        for attempt in 1...Self.maximumBlobUnknownAttempts {
            let (response, request) = try await sendManifest(bytes, as: descriptor, reference: reference)
            if (200..<300).contains(response.status) { return response }
            guard response.status == 400, RegistryErrorBody(response.body).has("MANIFEST_BLOB_UNKNOWN"),
                  attempt < Self.maximumBlobUnknownAttempts else { throw await client.failure(response, request) }
            try? await Task.sleep(for: .milliseconds(Int.random(in: 20...60) * attempt))
        }
        throw .registry("\(location): the manifest \(descriptor.digest) was never accepted")
    }

    /// Tries of a manifest push the registry answers with `MANIFEST_BLOB_UNKNOWN`.
    static let maximumBlobUnknownAttempts = 4

    /// The `PUT` of `pushManifest`, whatever the status; a stored digest other than the
    /// descriptor's is an error.
    func sendManifest(_ bytes: [UInt8], as descriptor: OCIDescriptor, reference: String?) async throws(ImageStoreError) -> (RegistryResponse, RegistryRequest) {
        try Self.check(bytes, against: descriptor)
        guard bytes.count <= OCIDocument.maximumSize else {
            throw .writeFailed("\(location): manifest \(descriptor.digest) is \(bytes.count) bytes; registries accept \(OCIDocument.maximumSize)")
        }
        let name = reference ?? descriptor.digest.description
        let request = RegistryRequest(method: .PUT, target: "/v2/\(repository)/manifests/\(name)",
                                      headers: [("Content-Type", descriptor.mediaType)], body: bytes, scopes: [.push(repository)],
                                      subject: reference.map { "the tag \(JSONError.quoted($0))" } ?? "manifest \(descriptor.digest)",
                                      // By digest, the same bytes land in the same place however often. A tag
                                      // may have moved meanwhile (the referrers index is read, changed and
                                      // written by every signer), so a tag's PUT is its caller's to repeat.
                                      repeatsSafely: reference == nil)
        let response = try await client.send(request, limit: RegistryClient.errorBodyLimit)
        guard (200..<300).contains(response.status) else { return (response, request) }
        if let header = response.header("Docker-Content-Digest"), let stored = OCIDigest(header),
           stored.algorithm.isExactly(descriptor.digest.algorithm), stored != descriptor.digest {
            throw .registry("\(location): manifest \(descriptor.digest) was stored as \(stored)")
        }
        state.cache(bytes, as: descriptor.digest)
        return (response, request)
    }
}
