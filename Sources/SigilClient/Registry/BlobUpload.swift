import NIOHTTP1
import WireFormat

/// An upload session of one blob (distribution-spec §Pushing blobs): opened by `POST
/// /v2/<name>/blobs/uploads/` (or a mount request the registry answered with 202), fed by
/// `PATCH` chunks in order, committed by `PUT <location>?digest=…`, or cancelled by `DELETE`.
/// Each answer's `Location` (relative or absolute, maybe with a query of its own) is where the
/// next request goes; it must obey the same transport rule as the registry.
struct BlobUpload: Sendable {
    let client: RegistryClient
    let repository: String
    /// Where the next request of the session goes (absolute URL).
    private(set) var location: String
    /// Bytes the registry has accepted so far.
    private(set) var offset: Int64 = 0

    /// How a session began.
    enum Start: Sendable {
        /// The registry mounted the blob from another repository: nothing to upload.
        case mounted
        case session(BlobUpload)
    }

    /// Opens a session, or mounts `digest` from `source` (a repository of the same registry) when
    /// given. A registry that cannot mount answers 202 with an ordinary session.
    static func start(_ client: RegistryClient, repository: String, mounting mount: (digest: OCIDigest, source: String)? = nil) async throws(ImageStoreError) -> Start {
        var target = "/v2/\(repository)/blobs/uploads/"
        var scopes: [RegistryScope] = [.push(repository)]
        if let mount {
            target += "?mount=\(mount.digest)&from=\(mount.source)"
            scopes.append(.pull(mount.source))
        }
        let request = RegistryRequest(method: .POST, target: target, scopes: scopes,
                                      subject: mount == nil ? "a blob upload" : "the mount of \(mount!.digest) from \(mount!.source)")
        let response = try await client.send(request, limit: RegistryClient.errorBodyLimit)
        if mount != nil, response.status == 201 { return .mounted }
        guard response.status == 202 else { throw await client.failure(response, request) }
        return .session(BlobUpload(client: client, repository: repository, location: try location(of: response, client: client, request: request)))
    }

    /// The session's next URL from an answer's `Location`, resolved and checked.
    private static func location(of response: RegistryResponse, client: RegistryClient, request: RegistryRequest) throws(ImageStoreError) -> String {
        guard let header = response.header("Location"), let url = RegistryClient.resolve(header, against: response.url),
              let target = RegistryOrigin(url: url) else {
            throw .registry("\(client.registry): the answer to \(request.subject) has no usable Location")
        }
        guard client.options.allows(target, from: client.origin) else {
            throw .registry("\(client.registry): refusing to upload to \(target) over plain HTTP (allowed only between loopback hosts or to a registry named with --allow-http-registry)")
        }
        return url
    }

    /// Sends the next chunk (`PATCH` with `Content-Range: start-end`, inclusive).
    mutating func append(_ chunk: [UInt8]) async throws(ImageStoreError) {
        guard !chunk.isEmpty else { return }
        let end = offset + Int64(chunk.count) - 1
        let request = RegistryRequest(method: .PATCH, target: location,
                                      headers: [("Content-Type", "application/octet-stream"), ("Content-Range", "\(offset)-\(end)")],
                                      body: chunk, scopes: [.push(repository)], subject: "a blob upload chunk (bytes \(offset)-\(end))")
        let response = try await client.send(request, limit: RegistryClient.errorBodyLimit)
        guard response.status == 202 else { throw await client.failure(response, request) }
        location = try Self.location(of: response, client: client, request: request)
        offset = end + 1
    }

    /// Commits the session as `digest` (`PUT ?digest=`), with the last bytes in the body when
    /// given. The registry hashes what it received and refuses a mismatch.
    func finish(_ digest: OCIDigest, finalChunk: [UInt8] = []) async throws(ImageStoreError) {
        let separator = location.containsByte(UInt8(ascii: "?")) ? "&" : "?"
        // Content-Length is set from the body (0 without one).
        let headers = finalChunk.isEmpty ? [] : [("Content-Type", "application/octet-stream")]
        let request = RegistryRequest(method: .PUT, target: location + separator + "digest=\(digest)", headers: headers,
                                      body: finalChunk.isEmpty ? nil : finalChunk, scopes: [.push(repository)], subject: "the commit of blob \(digest)")
        let response = try await client.send(request, limit: RegistryClient.errorBodyLimit)
        guard response.status == 201 else { throw await client.failure(response, request) }
        if let header = response.header("Docker-Content-Digest"), let stored = OCIDigest(header),
           stored.algorithm.isExactly(digest.algorithm), stored != digest {
            throw .registry("\(client.registry): blob \(digest) was stored as \(stored)")
        }
    }

    /// Abandons the session (`DELETE`), best effort: the registry expires it anyway.
    func cancel() async {
        let request = RegistryRequest(method: .DELETE, target: location, scopes: [.push(repository)], subject: "the cancelled upload")
        _ = try? await client.send(request, limit: RegistryClient.errorBodyLimit)
    }
}
