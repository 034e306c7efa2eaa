import Foundation
@testable import SigilClient
import TestSupport
import Testing
import WireFormat

/// `RegistryStore` against the real CNCF distribution registry (2.8, which has no referrers
/// API): round trips, verification of what it serves, errors, the referrers tag schema under
/// concurrent writers, mounts and streamed copies, and basic auth over TLS.
@Suite(.timeLimit(.minutes(3))) struct RegistryStoreTests {
    static let anonymous = RegistryOptions(dockerConfigPath: nil)

    static func store(_ registry: RegistryProcess, _ repository: String, options: RegistryOptions = anonymous) throws -> RegistryStore {
        try RegistryStore(RegistryReference(parsing: "\(registry.host)/\(repository)"), options: options)
    }

    @Test func pushesAndPullsAnImage() async throws {
        let registry = try await RegistryProcess.start()
        let image = RegistryTestImage()
        let pusher = try Self.store(registry, "team/app")
        try await image.push(to: pusher)
        #expect(pusher.location == "\(registry.host)/team/app")

        // A fresh store (no cache) names the tag's manifest by the digest of the bytes it received.
        let puller = try Self.store(registry, "team/app")
        let resolved = try await puller.resolve(.tag("v1"))
        #expect(resolved == image.descriptor)
        #expect(try await puller.resolve(.digest(image.descriptor.digest)) == image.descriptor)
        #expect(try await puller.fetch(resolved) == image.manifest)
        let manifest = try await puller.manifest(resolved)
        #expect(manifest.layers == [image.layerDescriptor])
        #expect(try await puller.fetch(image.configDescriptor) == image.config)
        var streamed: [UInt8] = []
        try await puller.stream(image.layerDescriptor) { streamed += $0 }
        #expect(streamed == image.layer)
        try await puller.checkComplete(resolved)
        #expect(await puller.tags(of: resolved.digest) == ["v1"])
        #expect(await puller.describe(resolved) == "\(registry.host)/team/app@\(resolved.digest) [v1]")
        #expect(try await puller.hasBlob(image.layerDescriptor))

        // A real client reads back the very bytes pushed.
        let skopeo = try runToCompletion("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/team/app:v1"])
        #expect(skopeo.status == 0, "\(skopeo.output)")
        #expect(Array(skopeo.output.utf8) == image.manifest)

        // Pushing what is there already starts no upload.
        let uploads = registry.requests(startingWith: "POST /v2/team/app/blobs/uploads/").count
        try await image.push(to: Self.store(registry, "team/app"))
        #expect(registry.requests(startingWith: "POST /v2/team/app/blobs/uploads/").count == uploads)
    }

    @Test func tamperedStorageIsDetected() async throws {
        let registry = try await RegistryProcess.start()
        let image = RegistryTestImage(layer: registryTestBytes(count: 3 << 20, seed: 7))
        try await image.push(to: Self.store(registry, "team/app"))

        // One bit of the layer's stored bytes flipped: same length, other content.
        let layerPath = registry.blobDataPath(image.layerDescriptor.digest.hex)
        var stored = Array(try Data(contentsOf: URL(fileURLWithPath: layerPath)))
        stored[stored.count / 2] ^= 1
        try Data(stored).write(to: URL(fileURLWithPath: layerPath))
        let tampered = OCIDigest.sha256(of: stored)
        let reader = try Self.store(registry, "team/app")
        await #expect(throws: ImageStoreError.digestMismatch(expected: image.layerDescriptor.digest, actual: tampered)) {
            var sink = 0
            try await reader.stream(image.layerDescriptor) { sink += $0.count }
        }

        // The manifest's stored bytes altered (still valid JSON): by digest it is refused; by tag
        // what arrived disagrees with the digest the registry names.
        let manifestPath = registry.blobDataPath(image.descriptor.digest.hex)
        let text = try String(contentsOfFile: manifestPath, encoding: .utf8)
        let altered = Array(text.replacingOccurrences(of: "tamper-me", with: "tamper-ME").utf8)
        try Data(altered).write(to: URL(fileURLWithPath: manifestPath))
        let fresh = try Self.store(registry, "team/app")
        await #expect(throws: ImageStoreError.digestMismatch(expected: image.descriptor.digest, actual: .sha256(of: altered))) {
            try await fresh.resolve(.digest(image.descriptor.digest))
        }
        await #expect(throws: ImageStoreError.digestMismatch(expected: image.descriptor.digest, actual: .sha256(of: altered))) {
            try await fresh.fetch(image.descriptor)
        }
        await #expect {
            try await fresh.resolve(.tag("v1"))
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("hashes to \(OCIDigest.sha256(of: altered))") && message.contains("the registry says \(image.descriptor.digest)")
        }

        // A small blob altered: `fetch` refuses it too.
        let configPath = registry.blobDataPath(image.configDescriptor.digest.hex)
        var config = Array(try Data(contentsOf: URL(fileURLWithPath: configPath)))
        config[0] ^= 0x20
        try Data(config).write(to: URL(fileURLWithPath: configPath))
        await #expect(throws: ImageStoreError.digestMismatch(expected: image.configDescriptor.digest, actual: .sha256(of: config))) {
            try await fresh.fetch(image.configDescriptor)
        }
    }

    @Test func unknownRepositoriesTagsAndDigestsAreClearErrors() async throws {
        let registry = try await RegistryProcess.start()
        let stranger = OCIDigest("sha256:" + String(repeating: "0", count: 64))!
        let empty = try Self.store(registry, "nobody/here")
        await #expect {
            try await empty.resolve(.tag("v1"))
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("\(registry.host)/nobody/here") && message.contains("no such repository")
        }

        let store = try Self.store(registry, "team/app")
        try await RegistryTestImage().push(to: store)
        await #expect(throws: ImageStoreError.unknownTag("v2", available: ["v1"])) { try await store.resolve(.tag("v2")) }
        await #expect(throws: ImageStoreError.unknownDigest(stranger)) { try await store.resolve(.digest(stranger)) }
        let missing = OCIDescriptor(mediaType: "application/octet-stream", digest: stranger, size: 5)
        await #expect(throws: ImageStoreError.missingBlob(stranger)) { try await store.fetch(missing) }
        await #expect(throws: ImageStoreError.missingBlob(stranger)) { try await store.checkPresent(missing) }
        #expect(try await store.hasBlob(missing) == false)
        await #expect(throws: ImageStoreError.badReference("a registry reference needs a tag or digest: \(registry.host)/team/app:TAG or \(registry.host)/team/app@sha256:…")) {
            try await store.resolve(.only)
        }
        await #expect(throws: ImageStoreError.self) { try await store.resolve(.tag("bad tag")) }

        // The wrong size, as HEAD reports it.
        var wrongSize = RegistryTestImage().layerDescriptor
        wrongSize.size += 1
        await #expect(throws: ImageStoreError.sizeMismatch(wrongSize.digest, expected: wrongSize.size, actual: wrongSize.size - 1)) {
            try await store.checkPresent(wrongSize)
        }

        // Nobody listening.
        let closed = try RegistryStore(RegistryReference(parsing: "127.0.0.1:\(try FreePort.find())/team/app"), options: Self.anonymous)
        await #expect {
            try await closed.resolve(.tag("v1"))
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("cannot reach") && message.contains("connection refused")
        }
    }

    @Test func referrersFallBackToTheTagSchema() async throws {
        let registry = try await RegistryProcess.start()
        let image = RegistryTestImage()
        let store = try Self.store(registry, "team/app")
        try await image.push(to: store)
        #expect(try await store.referrers(of: image.descriptor.digest).isEmpty)

        let first = try await image.referrer("alice", in: store)
        try await store.putReferrers([first])
        let reader = try Self.store(registry, "team/app")
        let listed = try await reader.referrers(of: image.descriptor.digest)
        #expect(listed.map(\.descriptor) == [first.descriptor])
        #expect(listed.first?.descriptor.artifactType == OCIMediaType.sigstoreBundle)
        #expect(listed.first?.descriptor.annotations[OCIAnnotation.signerIdentity] == "alice")
        #expect(listed.first?.manifest.subject?.digest == image.descriptor.digest)

        // The index lives under the referrers tag; pushing the same referrer again adds nothing.
        let tag = "sha256-" + image.descriptor.digest.hex
        let index = try await reader.imageIndex(reader.resolve(.tag(tag)))
        #expect(index.manifests.map(\.digest) == [first.descriptor.digest])
        try await store.putReferrers([first])
        let second = try await image.referrer("bob", in: store)
        try await store.putReferrers([second])
        #expect(try await reader.referrers(of: image.descriptor.digest).map(\.descriptor) == [first.descriptor, second.descriptor])
        #expect(registry.requests(startingWith: "GET /v2/team/app/referrers/").count >= 1, "the referrers API was probed")
    }

    @Test func concurrentSignersAreAllListed() async throws {
        let registry = try await RegistryProcess.start()
        let image = RegistryTestImage()
        try await image.push(to: Self.store(registry, "team/app"))
        let signers = (1...8).map { "signer-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for signer in signers {
                group.addTask {
                    let store = try Self.store(registry, "team/app")
                    try await store.putReferrers([image.referrer(signer, in: store)])
                }
            }
            try await group.waitForAll()
        }
        let listed = try await Self.store(registry, "team/app").referrers(of: image.descriptor.digest)
        #expect(Set(listed.compactMap { $0.descriptor.annotations[OCIAnnotation.signerIdentity] }) == Set(signers))
        #expect(listed.count == 8)
    }

    @Test func copiesMountWithinARegistryAndStreamAcrossRegistries() async throws {
        let first = try await RegistryProcess.start()
        let second = try await RegistryProcess.start()
        let blob = registryTestBytes(count: 20 << 20, seed: 42)
        let descriptor = OCIDescriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", of: blob)

        // Into the first registry from memory: three PATCH chunks (8 + 8 + 4 MiB), then the commit.
        let source = try Self.store(first, "team/source")
        let pushed = TransferProgress { _, _ in }
        try await source.copyBlob(descriptor, from: RegistryMemorySource(blob), progress: pushed)
        #expect(pushed.totals == (bytes: Int64(blob.count), blobs: 1))
        #expect(first.requests(startingWith: "PATCH /v2/team/source/blobs/uploads/").count == 3)
        #expect(first.requests(startingWith: "PUT /v2/team/source/blobs/uploads/").count == 1)

        // Within the registry: mounted, no byte sent again.
        let mirror = try Self.store(first, "team/mirror")
        let mounted = TransferProgress { _, _ in }
        try await mirror.copyBlob(descriptor, from: source, progress: mounted)
        #expect(mounted.totals == (bytes: 0, blobs: 1))
        #expect(first.requests(startingWith: "POST /v2/team/mirror/blobs/uploads/?mount=\(descriptor.digest)&from=team/source").count == 1)
        #expect(first.requests(startingWith: "PATCH /v2/team/mirror/").isEmpty && first.requests(startingWith: "PUT /v2/team/mirror/").isEmpty)
        try await mirror.checkPresent(descriptor)

        // To another registry: streamed, and the copy is intact.
        let remote = try Self.store(second, "team/app")
        let streamed = TransferProgress { _, _ in }
        try await remote.copyBlob(descriptor, from: mirror, progress: streamed)
        #expect(streamed.totals == (bytes: Int64(blob.count), blobs: 1))
        #expect(second.requests(startingWith: "PATCH /v2/team/app/blobs/uploads/").count == 3)
        var size = 0
        try await remote.stream(descriptor) { size += $0.count }
        #expect(size == blob.count)

        // Present already: nothing moves.
        let again = TransferProgress { _, _ in }
        try await remote.copyBlob(descriptor, from: mirror, progress: again)
        #expect(again.totals == (bytes: 0, blobs: 1))
        #expect(second.requests(startingWith: "POST /v2/team/app/blobs/uploads/").count == 1)
    }

    @Test(arguments: [20 << 20, 1 << 10])
    func aCorruptSourceCommitsNothing(size: Int) async throws {
        let registry = try await RegistryProcess.start()
        let claimed = registryTestBytes(count: size, seed: 1)
        let delivered = registryTestBytes(count: size, seed: 2)
        let descriptor = OCIDescriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", of: claimed)
        let store = try Self.store(registry, "team/app")
        await #expect(throws: ImageStoreError.digestMismatch(expected: descriptor.digest, actual: .sha256(of: delivered))) {
            try await store.copyBlob(descriptor, from: RegistryMemorySource(corrupt: delivered, as: descriptor.digest), progress: nil)
        }
        #expect(try await store.hasBlob(descriptor) == false)
        #expect(registry.requests(startingWith: "PUT /v2/team/app/blobs/uploads/").isEmpty, "never committed")
        #expect(registry.requests(startingWith: "DELETE /v2/team/app/blobs/uploads/").count == 1, "the session was cancelled")
    }

    @Test func basicAuthOverTLS() async throws {
        let login = RegistryProcess.Login(username: "alice", password: "correct horse battery")
        let registry = try await RegistryProcess.start(tls: true, login: login)
        let image = RegistryTestImage()
        func options(_ credentials: RegistryCredentials?, caFile: String? = registry.caFile, config: String? = nil) -> RegistryOptions {
            RegistryOptions(credentials: credentials, dockerConfigPath: config, caFile: caFile)
        }
        let right = RegistryCredentials(username: login.username, password: login.password)
        let store = try Self.store(registry, "team/app", options: options(right))
        try await image.push(to: store)
        #expect(try await Self.store(registry, "team/app", options: options(right)).resolve(.tag("v1")) == image.descriptor)
        try await RegistryClient(registry: registry.host, options: options(right)).ping()

        let wrongPassword = "wrong-password-\(UUID().uuidString)"
        let secrets = [wrongPassword, StrictBase64.encode(Array("alice:\(wrongPassword)".utf8)), login.password]
        let wrong = try Self.store(registry, "team/app", options: options(RegistryCredentials(username: "alice", password: wrongPassword)))
        await #expect {
            try await wrong.resolve(.tag("v1"))
        } throws: { error in
            guard case .unauthorized(let message) = error as? ImageStoreError else { return false }
            let texts = [message, "\(error)", String(reflecting: error)]
            return message.contains("wrong credentials") && message.contains("\"alice\"")
                && secrets.allSatisfy { secret in texts.allSatisfy { !$0.contains(secret) } }
        }
        let anonymous = try Self.store(registry, "team/app", options: options(nil))
        await #expect {
            try await anonymous.resolve(.tag("v1"))
        } throws: { error in
            guard case .unauthorized(let message) = error as? ImageStoreError else { return false }
            return message.contains("--registry-username") && message.contains("--registry-password-stdin")
        }

        // Only the system's roots: the throwaway CA is not trusted.
        let untrusted = try Self.store(registry, "team/app", options: RegistryOptions(credentials: right, dockerConfigPath: nil, transport: .tls))
        await #expect {
            try await untrusted.resolve(.tag("v1"))
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("cannot reach")
        }

        // Credentials from Docker's config file, keyed by host:port.
        let directory = TemporaryDirectory()
        let config = directory.path("config.json")
        let auth = StrictBase64.encode(Array("\(login.username):\(login.password)".utf8))
        try Data(CanonicalJSON.encode(["auths": ["https://\(registry.host)": ["auth": .string(auth)]]]))
            .write(to: URL(fileURLWithPath: config))
        let configured = try Self.store(registry, "team/app", options: options(nil, config: config))
        #expect(try await configured.resolve(.tag("v1")) == image.descriptor)
    }
}
