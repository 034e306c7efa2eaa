import Foundation
@testable import SigilClient
import TestSupport
import Testing
import WireFormat

/// The registry client against `RegistryDouble`: Docker's bearer-token dance and its refusals,
/// redirect rules (credentials stay with the registry; no plain HTTP to other hosts; at most
/// five hops), an upload that fails halfway, and transient failures asked again.
@Suite(.timeLimit(.minutes(2))) struct RegistryAuthTests {
    struct Servers {
        let double: RegistryDouble
        let registry: LiveServer
        let storage: LiveServer
        /// `127.0.0.1:PORT` of the registry.
        var host: String { String(registry.url.dropFirst("http://".count)) }

        func store(_ repository: String, credentials: RegistryCredentials? = nil) throws -> RegistryStore {
            try RegistryStore(RegistryReference(parsing: "\(host)/\(repository)"),
                              options: RegistryOptions(credentials: credentials, dockerConfigPath: nil))
        }

        func stop() async {
            await registry.stop()
            await storage.stop()
        }
    }

    static let alice = RegistryCredentials(username: RegistryDouble.username, password: RegistryDouble.password)

    static func start() async throws -> Servers {
        let double = RegistryDouble(blob: Array("a blob served from storage".utf8))
        let storage = try await LiveServer.start(double.storageRouter())
        let registry = try await LiveServer.start(double.router(storage: storage.url))
        return Servers(double: double, registry: registry, storage: storage)
    }

    func blobDescriptor(_ servers: Servers) -> OCIDescriptor {
        OCIDescriptor(mediaType: "application/octet-stream", of: servers.double.blob)
    }

    @Test func bearerTokensAreFetchedCachedAndKeptFromStorage() async throws {
        let servers = try await Self.start()
        let store = try servers.store("team/app", credentials: Self.alice)
        #expect(try await store.fetch(blobDescriptor(servers)) == servers.double.blob)
        #expect(servers.double.tokenRequests == [["repository:team/app:pull"]])
        #expect(servers.double.registryRequests.map(\.authorization) == [nil, "Bearer pull-token"])
        #expect(servers.double.storageRequests.count == 1)
        #expect(servers.double.storageRequests.allSatisfy { $0.authorization == nil }, "credentials never leave the registry")

        // The token is reused: no new token request, no new challenge.
        #expect(try await store.fetch(blobDescriptor(servers)) == servers.double.blob)
        #expect(servers.double.tokenRequests.count == 1)
        #expect(servers.double.registryRequests.map(\.authorization) == [nil, "Bearer pull-token", "Bearer pull-token"])

        // Anonymous pulls get an anonymous token (read from `access_token`).
        let anonymous = try servers.store("team/app")
        #expect(try await anonymous.fetch(blobDescriptor(servers)) == servers.double.blob)
        try await RegistryClient(registry: servers.host, options: RegistryOptions(credentials: Self.alice, dockerConfigPath: nil)).ping()
        await servers.stop()
    }

    @Test func refusalsSayWhatToDoAndNeverShowSecrets() async throws {
        let servers = try await Self.start()
        let secrets = [RegistryDouble.password, StrictBase64.encode(Array("\(RegistryDouble.username):\(RegistryDouble.password)".utf8)),
                       "pull-token", "push-token", "anonymous-token"]
        func refusal(_ operation: () async throws -> Void) async -> String? {
            do { try await operation() } catch let error as ImageStoreError {
                guard case .unauthorized(let message) = error else { return "not unauthorized: \(error)" }
                for text in [message, "\(error)", String(reflecting: error)] where secrets.contains(where: { text.contains($0) }) {
                    return "leaks a secret: \(text)"
                }
                return message
            } catch { return "\(error)" }
            return nil
        }
        let blob = blobDescriptor(servers)

        let private_ = try servers.store("team/private")
        let login = await refusal { _ = try await private_.fetch(blob) }
        #expect(login?.contains("--registry-username") == true && login?.contains("--registry-password-stdin") == true, "\(login ?? "")")

        let wrong = try servers.store("team/app", credentials: RegistryCredentials(username: "alice", password: "not-" + RegistryDouble.password))
        let wrongMessage = await refusal { _ = try await wrong.fetch(blob) }
        #expect(wrongMessage?.contains("wrong credentials") == true, "\(wrongMessage ?? "")")
        #expect(wrongMessage?.contains("not-" + RegistryDouble.password) == false)

        let manifest = OCIManifest(config: .empty, layers: []).encoded
        let descriptor = OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: manifest)
        let readonly = try servers.store("team/readonly", credentials: Self.alice)
        let scope = await refusal { try await readonly.putManifest(manifest, as: descriptor, role: .child) }
        #expect(scope?.contains("\"alice\" has no push access to \(servers.host)/team/readonly") == true, "\(scope ?? "")")

        let forbidden = try servers.store("team/forbidden", credentials: Self.alice)
        let denied = await refusal { try await forbidden.putManifest(manifest, as: descriptor, role: .child) }
        #expect(denied?.contains("has no push access to \(servers.host)/team/forbidden") == true && denied?.contains("DENIED") == true,
                "\(denied ?? "")")
        await servers.stop()
    }

    @Test func redirectsKeepToTheRules() async throws {
        let servers = try await Self.start()
        let blob = blobDescriptor(servers)
        let away = try servers.store("team/away")
        await #expect {
            _ = try await away.fetch(blob)
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("refusing the redirect") && message.contains("http://192.0.2.1")
        }
        let loop = try servers.store("team/loop")
        await #expect {
            _ = try await loop.fetch(blob)
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("redirected more than 5 times")
        }
        await servers.stop()
    }

    @Test func anUploadFailingHalfwayIsCancelled() async throws {
        let servers = try await Self.start()
        let blob = registryTestBytes(count: 20 << 20, seed: 3)
        let descriptor = OCIDescriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", of: blob)
        let store = try servers.store("team/app", credentials: Self.alice)
        let progress = TransferProgress { _, _ in }
        await #expect {
            try await store.copyBlob(descriptor, from: RegistryMemorySource(blob), progress: progress)
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("BLOB_UPLOAD_INVALID") && message.contains("disk full")
        }
        let requests = servers.double.registryRequests.map { "\($0.method) \($0.path)" }
        #expect(requests.filter { $0.hasPrefix("PATCH") }.count == 2, "\(requests)")
        #expect(requests.last == "DELETE /uploads/1", "the session was cancelled: \(requests)")
        #expect(!requests.contains("PUT /uploads/1"))
        #expect(progress.totals == (bytes: Int64(8 << 20), blobs: 0))
        await servers.stop()
    }

    @Test func transientFailuresOfRepeatableRequestsAreAskedAgain() async throws {
        let servers = try await Self.start()
        let descriptor = blobDescriptor(servers)
        let busy = try servers.store("team/busy")
        #expect(try await busy.hasBlob(descriptor), "two 500s, then 200")
        #expect(try await busy.fetch(descriptor) == servers.double.blob, "503 with Retry-After: 0, then the blob")
        let manifest = Array(#"{"schemaVersion":2}"#.utf8)
        try await busy.putManifest(manifest, as: OCIDescriptor(mediaType: "application/vnd.oci.image.manifest.v1+json", of: manifest), role: .child)
        let seen = servers.double.registryRequests.map { "\($0.method) \($0.path)" }
        #expect(seen.filter { $0.hasPrefix("HEAD /v2/team/busy/") }.count == 3, "\(seen)")
        #expect(seen.filter { $0.hasPrefix("GET /v2/team/busy/") }.count == 2, "\(seen)")
        #expect(seen.filter { $0.hasPrefix("PUT /v2/team/busy/manifests/") }.count == 2, "\(seen)")
        await servers.stop()
    }

    @Test func failuresThatLastOrAreNotRepeatableAreReported() async throws {
        let servers = try await Self.start()
        let descriptor = blobDescriptor(servers)
        let down = try servers.store("team/down")
        // A HEAD is tried 4 times in all, then the registry's last answer is the error.
        await #expect {
            _ = try await down.hasBlob(descriptor)
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("HEAD of blob \(descriptor.digest) failed with HTTP 500")
        }
        // An upload's POST opens a session: a second one would open another, so it is not repeated.
        await #expect(throws: ImageStoreError.self) {
            try await servers.store("team/full").putBlob(Array("another blob".utf8), as: OCIDescriptor(mediaType: "application/octet-stream", of: Array("another blob".utf8)))
        }
        // A Retry-After longer than the client waits is reported at once.
        await #expect {
            _ = try await servers.store("team/slow").fetch(descriptor)
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("HTTP 429")
        }
        // A tag may have moved since a PUT that failed (and may have been applied): another
        // signer's referrers index must not be overwritten by a repeat, so a tag's PUT goes once.
        let manifest = Array(#"{"schemaVersion":2,"tagged":true}"#.utf8)
        await #expect {
            try await servers.store("team/busy").putManifest(manifest, as: OCIDescriptor(mediaType: "application/vnd.oci.image.manifest.v1+json", of: manifest),
                                                             role: .image(tag: "v1"))
        } throws: { error in
            guard case .registry(let message) = error as? ImageStoreError else { return false }
            return message.contains("the tag \"v1\"") && message.contains("HTTP 502")
        }
        let seen = servers.double.registryRequests.map { "\($0.method) \($0.path)" }
        #expect(seen.filter { $0 == "PUT /v2/team/busy/manifests/v1" }.count == 1, "\(seen)")
        #expect(seen.filter { $0 == "HEAD /v2/team/down/blobs/\(descriptor.digest)" }.count == TransientFailure.maximumAttempts, "\(seen)")
        #expect(seen.filter { $0.hasPrefix("POST /v2/team/full/") }.count == 1, "\(seen)")
        #expect(seen.filter { $0.hasPrefix("GET /v2/team/slow/") }.count == 1, "\(seen)")
        await servers.stop()
    }

    @Test func pausesGrowAndHonourRetryAfter() {
        for _ in 0..<50 {
            let first = TransientFailure.pause(after: 1, retryAfter: nil)!
            let third = TransientFailure.pause(after: 3, retryAfter: nil)!
            #expect(first >= .milliseconds(50) && first <= .milliseconds(150))
            #expect(third >= .milliseconds(450) && third <= .milliseconds(1350))
        }
        #expect(TransientFailure.pause(after: 1, retryAfter: "2") == .seconds(2))
        // "Now" still waits the client's own pause: four tries in a row would only add load.
        #expect(TransientFailure.pause(after: 1, retryAfter: "0")! >= .milliseconds(50))
        #expect(TransientFailure.pause(after: 1, retryAfter: "6") == nil)
        #expect(TransientFailure.pause(after: 1, retryAfter: "99999999999999999999") == nil)
        // An HTTP-date is not read; the client's own pause applies.
        #expect(TransientFailure.pause(after: 1, retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT")! <= .milliseconds(150))
    }
}
