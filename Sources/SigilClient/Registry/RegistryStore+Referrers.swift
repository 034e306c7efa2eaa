import Foundation
import NIOHTTP1
import WireFormat

/// OCI 1.1 referrers on a registry (distribution-spec §Listing Referrers, §Pushing Manifests
/// with Subject, §Referrers Tag Schema): the referrers API where the registry serves it, else
/// an image index the clients keep under the tag `sha256-<hex>`.
extension RegistryStore {
    /// The most pages of referrers API answers followed.
    static let maximumReferrerPages = 16
    /// Tries of one read-modify-write of a fallback index before giving up.
    static let maximumIndexAttempts = 10
    /// Of those, how many may end in a registry error that outlasted the client's own retries
    /// (`TransientFailure`, four tries each): a registry that is down is reported after these,
    /// not after every try of every cycle (up to 40 requests and about half a minute).
    static let maximumTransientIndexCycles = 3

    // MARK: Reading

    public func referrers(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIReferrer] {
        var listing: [OCIDescriptor]
        if state.referrersAPI != false, let served = try await referrersFromAPI(of: digest) {
            state.setReferrersAPI(true)
            listing = served
        } else {
            state.setReferrersAPI(false)
            listing = try await fallbackIndex(of: digest)?.manifests ?? []
        }
        var seen: Set<OCIDigest> = []
        listing = listing.filter { seen.insert($0.digest).inserted }
        guard listing.count <= maximumReferrers else {
            throw .malformed("\(location): \(digest) lists \(listing.count) referrers; Sigil reads at most \(maximumReferrers) per image")
        }

        var referrers: [OCIReferrer] = []
        for descriptor in listing where OCIMediaType.isManifest(descriptor.mediaType) {
            let manifest: OCIManifest
            do { manifest = try await self.manifest(descriptor) } catch .missingBlob {
                continue   // deleted since it was listed: no longer a referrer
            }
            // A fallback index is written by any client; only what the manifest itself says counts.
            guard manifest.subject?.digest == digest else { continue }
            referrers.append(OCIReferrer(descriptor: descriptor, manifest: manifest))
        }
        return referrers
    }

    /// All pages of `GET /v2/<name>/referrers/<digest>`, or nil when the registry answers 404
    /// (it has no referrers API; one that has it never answers 404 here).
    private func referrersFromAPI(of digest: OCIDigest) async throws(ImageStoreError) -> [OCIDescriptor]? {
        var target = "/v2/\(repository)/referrers/\(digest)"
        var listing: [OCIDescriptor] = []
        for page in 1...Self.maximumReferrerPages {
            let request = RegistryRequest(method: .GET, target: target, headers: [("Accept", OCIMediaType.imageIndex)],
                                          scopes: [.pull(repository)], subject: "the referrers of \(digest)")
            let response = try await client.send(request, limit: OCIDocument.maximumSize)
            if page == 1, response.status == 404 { return nil }
            guard response.status == 200 else { throw await client.failure(response, request) }
            listing += try OCIIndex(parsing: response.body, name: "\(location): the referrers of \(digest)").manifests
            guard let link = LinkHeader.next(in: response.headers["Link"]) else { return listing }
            guard let next = RegistryClient.resolve(link, against: response.url), RegistryOrigin(url: next) == client.origin else {
                throw .registry("\(location): the referrers of \(digest) continue at \(UntrustedText.quoted(link)), not on the registry")
            }
            target = next
        }
        throw .registry("\(location): the referrers of \(digest) run past \(Self.maximumReferrerPages) pages")
    }

    /// The index under the subject's referrers tag, or nil when there is no such tag.
    private func fallbackIndex(of subject: OCIDigest) async throws(ImageStoreError) -> OCIIndex? {
        switch try await readFallbackIndex(of: subject) {
        case .found(let index): return index
        case .transient(let error): throw error
        }
    }

    /// A read of the referrers tag. Distribution's filesystem storage answers 500 when a tag is
    /// read while another client writes it. The client has already asked again
    /// (`TransientFailure`); a registry still failing makes a writer start its cycle over.
    private enum IndexRead {
        case found(OCIIndex?)
        case transient(ImageStoreError)
    }

    private static func isTransient(_ status: Int) -> Bool { status >= 500 || status == 429 }

    private func readFallbackIndex(of subject: OCIDigest) async throws(ImageStoreError) -> IndexRead {
        let tag = ReferrersTag.tag(for: subject)
        let response = try await getManifest(tag, subject: "the referrers tag \(tag)",
                                             accept: [OCIMediaType.imageIndex, OCIMediaType.dockerManifestList])
        if response.status == 404 { return .found(nil) }
        guard response.status == 200 else {
            let error = await client.failure(response, method: .GET, subject: "the referrers tag \(tag)")
            if Self.isTransient(response.status) { return .transient(error) }
            throw error
        }
        return .found(try OCIIndex(parsing: response.body, name: "\(location):\(tag) (the referrers of \(subject))"))
    }

    // MARK: Writing

    public func putReferrers(_ referrers: [ReferrerUpload]) async throws(ImageStoreError) {
        // Every manifest first, so that any index entry names a manifest that exists.
        var unindexed: [(subject: OCIDigest, listing: OCIDescriptor)] = []
        for referrer in referrers {
            let response = try await pushManifest(referrer.bytes, as: referrer.descriptor)
            let indexed = response.header("OCI-Subject").flatMap(OCIDigest.init) == referrer.subject.digest
            if !indexed { unindexed.append((referrer.subject.digest, try Self.listing(referrer))) }
        }
        var subjects: [OCIDigest] = []
        for entry in unindexed where !subjects.contains(entry.subject) { subjects.append(entry.subject) }
        for subject in subjects {
            try await addToFallbackIndex(unindexed.filter { $0.subject == subject }.map(\.listing), subject: subject)
        }
    }

    /// The descriptor a referrers listing shows: `artifactType` (else the config's media type) and
    /// annotations as the manifest itself has them, as the spec requires of a listing; never an
    /// upload's own claims.
    private static func listing(_ referrer: ReferrerUpload) throws(ImageStoreError) -> OCIDescriptor {
        var descriptor = referrer.descriptor
        guard OCIMediaType.isManifest(descriptor.mediaType) else { return descriptor }
        let manifest = try OCIManifest(parsing: referrer.bytes, name: descriptor.digest.description)
        descriptor.artifactType = manifest.effectiveArtifactType
        descriptor.annotations = manifest.annotations
        return descriptor
    }

    /// Adds `descriptors` to the subject's fallback index: read (404 → empty index), append what
    /// is not listed, write, then read back. Registries without the referrers API offer no
    /// conditional writes, so a concurrent writer that read the index before our write may
    /// replace it after. The read-back waits that out first: a pause longer than such a writer's
    /// read-to-write time (twice our own, at least 10 ms; a writer slowed by the same
    /// machine's load is measured slower too). Only when it shows every descriptor is the work
    /// done (also when nothing was missing: a stale writer may yet remove it); otherwise the whole
    /// cycle is retried after a random pause, up to `maximumIndexAttempts` times. This narrows
    /// the lost-update window to a writer stalled longer than the pause; without conditional
    /// requests it cannot close it.
    private func addToFallbackIndex(_ descriptors: [OCIDescriptor], subject: OCIDigest) async throws(ImageStoreError) {
        let tag = ReferrersTag.tag(for: subject)
        let clock = ContinuousClock()
        var lastTransient: ImageStoreError?
        var transientCycles = 0
        /// Records a cycle that ended in a transient error; throws it once they are too many.
        func noteTransient(_ error: ImageStoreError) throws(ImageStoreError) {
            lastTransient = error
            transientCycles += 1
            if transientCycles >= Self.maximumTransientIndexCycles {
                throw .writeFailed("\(location):\(tag): could not update the referrers index of \(subject): the registry kept failing (\(error))")
            }
        }
        for attempt in 1...Self.maximumIndexAttempts {
            if attempt > 1 { try? await Task.sleep(for: .milliseconds(Int.random(in: 10...(25 << min(attempt, 5))))) }
            let started = clock.now
            let current: OCIIndex?
            switch try await readFallbackIndex(of: subject) {
            case .found(let index): current = index
            case .transient(let error):
                try noteTransient(error)
                continue
            }
            var index = current ?? OCIIndex(manifests: [])
            let missing = descriptors.filter { wanted in !index.manifests.contains { $0.digest == wanted.digest } }
            if !missing.isEmpty {
                index.manifests += missing
                let bytes = index.encoded
                guard bytes.count <= OCIDocument.maximumSize else {
                    throw .writeFailed("\(location):\(tag): the referrers index of \(subject) would grow past \(OCIDocument.maximumSize) bytes (\(index.manifests.count) referrers); remove old referrers first")
                }
                let mediaType = index.json["mediaType"]?.stringValue ?? OCIMediaType.imageIndex
                let (response, request) = try await sendManifest(bytes, as: OCIDescriptor(mediaType: mediaType, of: bytes), reference: tag)
                guard (200..<300).contains(response.status) else {
                    let error = await client.failure(response, request)
                    guard Self.isTransient(response.status) else { throw error }
                    try noteTransient(error)
                    continue
                }
            }
            // No jitter here: the retries' random backoff is what takes writers out of step.
            let pause = max((clock.now - started) * 2, .milliseconds(10))
            try? await Task.sleep(for: pause)
            if try await lists(subject, descriptors) { return }
        }
        throw .writeFailed("\(location):\(tag): other writers kept replacing the referrers index of \(subject); gave up after \(Self.maximumIndexAttempts) attempts"
            + (lastTransient.map { " (last error: \($0))" } ?? ""))
    }

    /// Whether the subject's fallback index lists every one of `descriptors` (a read that fails
    /// transiently says no).
    private func lists(_ subject: OCIDigest, _ descriptors: [OCIDescriptor]) async throws(ImageStoreError) -> Bool {
        guard case .found(let index) = try await readFallbackIndex(of: subject) else { return false }
        let listed = index?.manifests ?? []
        return descriptors.allSatisfy { wanted in listed.contains { $0.digest == wanted.digest } }
    }
}
