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

    @Test func tokensExpire() async throws {
        let authenticator = RegistryAuthenticator()
        await authenticator.store("short-lived", for: "repository:a:pull", lifetime: .milliseconds(400))
        #expect(await authenticator.token(for: "repository:a:pull") == "short-lived")
        #expect(await authenticator.token(for: "repository:a:pull,push") == nil, "tokens are per scope set")
        try await Task.sleep(for: .milliseconds(400))
        #expect(await authenticator.token(for: "repository:a:pull") == nil)
    }
}
