import Foundation
@testable import SigilClient
import Testing

/// Referrers on a registry that serves the OCI 1.1 referrers API (`RegistryReferrersDouble`):
/// the registry indexes what it is given, so no fallback tag is written, and listings arrive in
/// pages chained by `Link`.
@Suite(.timeLimit(.minutes(1))) struct RegistryReferrersAPITests {
    @Test func theAPIIsUsedAndFollowedAcrossPages() async throws {
        let double = RegistryReferrersDouble()
        let server = try await LiveServer.start(double.router())
        let host = String(server.url.dropFirst("http://".count))
        let store = try RegistryStore(RegistryReference(parsing: "\(host)/team/api"), options: RegistryOptions(dockerConfigPath: nil))
        let image = RegistryTestImage()
        try await image.push(to: store)
        #expect(try await store.referrers(of: image.descriptor.digest).isEmpty)
        #expect(store.state.referrersAPI == true)

        var uploads: [ReferrerUpload] = []
        for name in ["alice", "bob", "carol"] { uploads.append(try await image.referrer(name, in: store)) }
        try await store.putReferrers(uploads)
        #expect(!double.puts.contains { $0.hasPrefix("sha256-") }, "the registry indexed them: no fallback tag \(double.puts)")

        let reader = try RegistryStore(RegistryReference(parsing: "\(host)/team/api"), options: RegistryOptions(dockerConfigPath: nil))
        let listed = try await reader.referrers(of: image.descriptor.digest)
        #expect(listed.map(\.descriptor.digest) == uploads.map(\.descriptor.digest), "three pages, in order")
        #expect(listed.map { $0.descriptor.annotations[OCIAnnotation.signerIdentity] } == ["alice", "bob", "carol"])
        #expect(listed.allSatisfy { $0.descriptor.artifactType == OCIMediaType.sigstoreBundle })
        await server.stop()
    }

    /// Without the API, the fallback index may not grow past what registries accept (4 MiB).
    @Test func theFallbackIndexIsCapped() async throws {
        let double = RegistryReferrersDouble(servesAPI: false)
        let server = try await LiveServer.start(double.router())
        let host = String(server.url.dropFirst("http://".count))
        let store = try RegistryStore(RegistryReference(parsing: "\(host)/team/api"), options: RegistryOptions(dockerConfigPath: nil))
        let image = RegistryTestImage()
        try await image.push(to: store)

        // An index 100 bytes short of 4 MiB: entries with long annotations, the last one trimmed to fit.
        let limit = 4 << 20
        func entry(_ k: Int, padding: Int) -> OCIDescriptor {
            OCIDescriptor(mediaType: OCIMediaType.imageManifest, digest: .sha256(of: Array("\(k)".utf8)), size: 1,
                          artifactType: OCIMediaType.sigstoreBundle, annotations: ["padding": String(repeating: "p", count: padding)])
        }
        let perEntry = OCIIndex(manifests: [entry(0, padding: 100_000), entry(1, padding: 100_000)]).encoded.count
            - OCIIndex(manifests: [entry(0, padding: 100_000)]).encoded.count
        let count = (limit - 100) / perEntry
        var index = OCIIndex(manifests: (0..<count).map { entry($0, padding: 100_000) })
        let shortfall = (limit - 100) - index.encoded.count
        index.manifests[count - 1] = entry(count - 1, padding: 100_000 + shortfall)
        #expect(index.encoded.count == limit - 100)
        double.preload(index.encoded, tag: "sha256-" + image.descriptor.digest.hex)

        let referrer = try await image.referrer("alice", in: store)
        await #expect {
            try await store.putReferrers([referrer])
        } throws: { error in
            guard case .writeFailed(let message) = error as? ImageStoreError else { return false }
            return message.contains("would grow past \(limit) bytes") && message.contains("\(count + 1) referrers")
        }
        #expect(try await store.referrers(of: image.descriptor.digest).isEmpty, "the listed entries have no manifests: none is a referrer")
        await server.stop()
    }

    /// A registry whose referrers tag cannot be read is reported after a few cycles of the index
    /// update, each already retried by the client, not after every try of every cycle.
    @Test func aRegistryThatKeepsFailingIsReportedSoon() async throws {
        let double = RegistryReferrersDouble(servesAPI: false, failsTagReads: true)
        let server = try await LiveServer.start(double.router())
        let host = String(server.url.dropFirst("http://".count))
        let store = try RegistryStore(RegistryReference(parsing: "\(host)/team/api"), options: RegistryOptions(dockerConfigPath: nil))
        let image = RegistryTestImage()
        try await image.push(to: store)
        let referrer = try await image.referrer("alice", in: store)
        await #expect {
            try await store.putReferrers([referrer])
        } throws: { error in
            guard case .writeFailed(let message) = error as? ImageStoreError else { return false }
            return message.contains("the registry kept failing") && message.contains("HTTP 500")
        }
        #expect(double.referrersTagReads == RegistryStore.maximumTransientIndexCycles * TransientFailure.maximumAttempts)
        #expect(!double.puts.contains { $0.hasPrefix("sha256-") }, "no index was written over one it could not read")
        await server.stop()
    }

    @Test func tokensExpire() async throws {
        let authenticator = RegistryAuthenticator()
        await authenticator.store("short-lived", for: "repository:a:pull", lifetime: .milliseconds(400))
        #expect(await authenticator.token(for: "repository:a:pull") == "short-lived")
        #expect(await authenticator.token(for: "repository:a:pull,push") == nil, "tokens are per scope set")
        try await Task.sleep(for: .milliseconds(400))
        #expect(await authenticator.token(for: "repository:a:pull") == nil)
    }
}
