import NIOCore
import NIOHTTP1
import SigstoreKit
import WireFormat

/// One repository of a registry as an `ImageStore` (OCI distribution-spec v1.1), named
/// `host/repository` in messages.
///
/// Reading trusts nothing the registry says: a manifest resolved by tag is named by the SHA-256
/// of the bytes received (a disagreeing `Docker-Content-Digest` is an error), and every manifest
/// and blob fetched or streamed is checked against its digest and size. Manifests are cached by
/// digest for the store's lifetime (they are immutable).
///
/// Writing goes blobs first (each checked by the registry against its digest on commit, and
/// streamed copies committed only after the source's own check passed), then manifests by
/// digest, then tags and the referrers fallback index, so a reader never finds a manifest whose
/// blobs are missing.
public struct RegistryStore: ImageStore {
    public let repository: String
    /// The registry's client, to share (with its tokens) with stores of other repositories.
    public let client: RegistryClient
    let state = RegistryStoreState()

    /// The store of `reference`'s repository (its tag or digest is the caller's to resolve).
    public init(_ reference: RegistryReference, options: RegistryOptions = RegistryOptions()) throws(ImageStoreError) {
        try self.init(repository: reference.repository, client: RegistryClient(registry: reference.registry, options: options))
    }

    /// A store sharing `client` (and its tokens) with other repositories of the registry.
    public init(repository: String, client: RegistryClient) throws(ImageStoreError) {
        try RegistryReference.checkRepository(repository)
        self.repository = repository
        self.client = client
    }

    public var location: String { "\(client.registry)/\(repository)" }

    /// What a manifest request accepts: OCI and Docker schema 2 manifests and indexes.
    static let manifestTypes = [OCIMediaType.imageManifest, OCIMediaType.imageIndex,
                                OCIMediaType.dockerManifest, OCIMediaType.dockerManifestList]

    // MARK: Resolving

    public func resolve(_ selector: OCIReference.Selector) async throws(ImageStoreError) -> OCIDescriptor {
        switch selector {
        case .only:
            throw .badReference("a registry reference needs a tag or digest: \(location):TAG or \(location)@sha256:…")
        case .tag(let tag):
            try RegistryReference.checkTag(tag)
            let response = try await getManifest(tag, subject: "tag \(JSONError.quoted(tag))")
            if response.status == 404 {
                throw try await unknownTag(tag, response)
            }
            let descriptor = try await describe(response, subject: "the manifest tagged \(JSONError.quoted(tag))", expected: nil)
            state.record(tag: tag, digest: descriptor.digest)
            return descriptor
        case .digest(let digest):
            let response = try await getManifest(digest.description, subject: "manifest \(digest)")
            if response.status == 404 { throw notFound(response, otherwise: .unknownDigest(digest)) }
            return try await describe(response, subject: "manifest \(digest)", expected: digest)
        }
    }

    /// `GET /v2/<name>/manifests/<reference>`, at most 4 MiB.
    func getManifest(_ reference: String, subject: String, accept: [String] = manifestTypes) async throws(ImageStoreError) -> RegistryResponse {
        try await client.send(RegistryRequest(method: .GET, target: "/v2/\(repository)/manifests/\(reference)",
                                              headers: [("Accept", accept.joined(separator: ", "))],
                                              scopes: [.pull(repository)], subject: subject),
                              limit: OCIDocument.maximumSize)
    }

    /// The descriptor of a manifest answer: digest of the bytes (checked against `expected` and
    /// `Docker-Content-Digest`), size, and media type (the body's `mediaType`, else Content-Type).
    private func describe(_ response: RegistryResponse, subject: String, expected: OCIDigest?) async throws(ImageStoreError) -> OCIDescriptor {
        guard response.status == 200 else {
            throw await client.failure(response, method: .GET, subject: subject)
        }
        let bytes = response.body
        let digest = expected?.computed(over: bytes) ?? .sha256(of: bytes)
        if let expected, digest != expected { throw .digestMismatch(expected: expected, actual: digest) }
        if let header = response.header("Docker-Content-Digest"), let claimed = OCIDigest(header), claimed.algorithm.isExactly(digest.algorithm), claimed != digest {
            throw .registry("\(location): \(subject) hashes to \(digest), but the registry says \(claimed)")
        }
        guard let mediaType = Self.mediaType(of: bytes, contentType: response.header("Content-Type")) else {
            throw .malformed("\(location): \(subject) (\(digest)) names no media type, in its body or Content-Type")
        }
        state.cache(bytes, as: digest)
        return OCIDescriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count))
    }

    /// The `mediaType` member of a manifest, else the Content-Type without parameters.
    static func mediaType(of bytes: [UInt8], contentType: String?) -> String? {
        if let json = try? JSONValue(parsing: bytes), let type = json["mediaType"]?.stringValue, !type.isEmpty { return type }
        guard let contentType else { return nil }
        let bare = contentType.utf8.split(separator: UInt8(ascii: ";"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let trimmed = String(decoding: bare.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }, as: UTF8.self)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A 404 for `tag`: an unknown repository, or the tag is missing (with up to 20 of the
    /// repository's image tags as hints; referrers tags are not images).
    private func unknownTag(_ tag: String, _ response: RegistryResponse) async throws(ImageStoreError) -> ImageStoreError {
        let missing = notFound(response, otherwise: .unknownTag(tag, available: []))
        guard case .unknownTag = missing else { return missing }
        // The hints are a courtesy: a tag list the user may not read must not hide the real error.
        guard let listing = try? await client.send(RegistryRequest(method: .GET, target: "/v2/\(repository)/tags/list?n=200", scopes: [.pull(repository)],
                                                                   subject: "the tag list"), limit: 1 << 20),
              listing.status == 200 || listing.status == 404 else { return .unknownTag(tag, available: []) }
        if listing.status == 404 { return notFound(listing, otherwise: .unknownTag(tag, available: [])) }
        let tags = ((try? JSONValue(parsing: listing.body))?["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            .filter { !ReferrersTag.isReferrersTag($0) }
        return .unknownTag(tag, available: Array(tags.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.prefix(20)))
    }

    /// `NAME_UNKNOWN` as its own message; any other 404 as `otherwise`.
    func notFound(_ response: RegistryResponse, otherwise: ImageStoreError) -> ImageStoreError {
        RegistryErrorBody(response.body).has("NAME_UNKNOWN")
            ? .registry("\(location): no such repository in \(client.registry) (NAME_UNKNOWN)") : otherwise
    }

    // MARK: Reading content

    /// Manifests and indexes are read from `/manifests/`, everything else from `/blobs/`.
    static func isManifest(_ descriptor: OCIDescriptor) -> Bool {
        OCIMediaType.isManifest(descriptor.mediaType) || OCIMediaType.isIndex(descriptor.mediaType)
    }

    func path(of descriptor: OCIDescriptor) -> String {
        "/v2/\(repository)/\(Self.isManifest(descriptor) ? "manifests" : "blobs")/\(descriptor.digest)"
    }

    private func accept(_ descriptor: OCIDescriptor) -> [(String, String)] {
        guard Self.isManifest(descriptor) else { return [] }
        let types = Self.manifestTypes.containsExactly(descriptor.mediaType) ? Self.manifestTypes : [descriptor.mediaType] + Self.manifestTypes
        return [("Accept", types.joined(separator: ", "))]
    }

    public func fetch(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> [UInt8] {
        if Self.isManifest(descriptor), let cached = state.manifest(descriptor.digest) {
            try Self.check(cached, against: descriptor)
            return cached
        }
        let limit = Self.isManifest(descriptor) ? OCIDocument.maximumSize : maximumFetchSize
        guard descriptor.size <= Int64(limit) else {
            throw .malformed("\(location): \(descriptor.digest) is \(descriptor.size) bytes, more than Sigil reads whole (\(limit))")
        }
        let request = RegistryRequest(method: .GET, target: path(of: descriptor), headers: accept(descriptor), scopes: [.pull(repository)],
                                      subject: "\(Self.isManifest(descriptor) ? "manifest" : "blob") \(descriptor.digest)")
        let response = try await client.send(request, limit: limit)
        if response.status == 404 { throw notFound(response, otherwise: .missingBlob(descriptor.digest)) }
        guard response.status == 200 else { throw await client.failure(response, request) }
        try Self.check(response.body, against: descriptor)
        if Self.isManifest(descriptor) { state.cache(response.body, as: descriptor.digest) }
        return response.body
    }

    /// The digest, then the size, as `OCIImageLayout.blob` checks them.
    static func check(_ bytes: [UInt8], against descriptor: OCIDescriptor) throws(ImageStoreError) {
        let actual = descriptor.digest.computed(over: bytes)
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
        guard Int64(bytes.count) == descriptor.size else {
            throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: Int64(bytes.count))
        }
    }

    public func stream(_ descriptor: OCIDescriptor,
                       into consume: ([UInt8]) async throws(ImageStoreError) -> Void) async throws(ImageStoreError) {
        let request = RegistryRequest(method: .GET, target: path(of: descriptor), headers: accept(descriptor), scopes: [.pull(repository)],
                                      subject: "blob \(descriptor.digest)")
        let response = try await client.open(request)
        guard response.status == 200 else {
            let answer = RegistryResponse(status: response.status, headers: response.headers, body: await client.drain(response), url: response.url)
            if response.status == 404 { throw notFound(answer, otherwise: .missingBlob(descriptor.digest)) }
            throw await client.failure(answer, request)
        }
        var hasher = descriptor.digest.hasher()
        var size: Int64 = 0
        var chunks = response.body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do { next = try await chunks.next() } catch {
                throw .registry("\(location): the download of blob \(descriptor.digest) broke off after \(size) bytes: \(ConnectionFailure.message(for: error, server: client.registry, path: ""))")
            }
            guard let chunk = next else { break }
            size += Int64(chunk.readableBytes)
            // More than the descriptor says: stop reading at once, whatever follows.
            guard size <= descriptor.size else { throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: size) }
            let bytes = Array(chunk.readableBytesView)
            hasher.update(bytes)
            try await consume(bytes)
        }
        guard size == descriptor.size else { throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: size) }
        let actual = hasher.finalize()
        guard actual == descriptor.digest else { throw .digestMismatch(expected: descriptor.digest, actual: actual) }
    }

    public func checkPresent(_ descriptor: OCIDescriptor) async throws(ImageStoreError) {
        let response = try await head(descriptor)
        if response.status == 404 { throw notFound(response, otherwise: .missingBlob(descriptor.digest)) }
        if let length = response.contentLength, length != descriptor.size {
            throw .sizeMismatch(descriptor.digest, expected: descriptor.size, actual: length)
        }
    }

    public func hasBlob(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> Bool {
        let response = try await head(descriptor)
        if response.status == 404 {
            // A repository that does not exist yet holds nothing; pushing creates it.
            return false
        }
        return true
    }

    /// `HEAD` of a blob or manifest: 200 or 404, anything else thrown.
    private func head(_ descriptor: OCIDescriptor) async throws(ImageStoreError) -> RegistryResponse {
        let request = RegistryRequest(method: .HEAD, target: path(of: descriptor), headers: accept(descriptor), scopes: [.pull(repository)],
                                      subject: "blob \(descriptor.digest)")
        let response = try await client.send(request, limit: RegistryClient.errorBodyLimit)
        guard response.status == 200 || response.status == 404 else { throw await client.failure(response, request) }
        return response
    }

    public func tags(of digest: OCIDigest) async -> [String] {
        state.tags(of: digest)
    }
}
