import Foundation
@testable import SigilClient
import TestSupport
import Testing
import WireFormat

/// The review's findings on registry settings, each pinned: credentials reach only the registry
/// they are for, plain HTTP only the registries named for it, secrets are redacted before a
/// registry's words are escaped or cut, and a layout's tag moves like a registry's.
@Suite struct RegistryOptionsTests {
    @Test func explicitCredentialsReachOnlyTheirRegistry() throws {
        var options = RegistryOptions(credentials: RegistryCredentials(username: "ci", password: "s3cret"), dockerConfigPath: nil)
        options.credentialsRegistry = "registry.example.com"
        #expect(options.explicitCredentials(for: "registry.example.com")?.username == "ci")
        #expect(options.explicitCredentials(for: "docker.io") == nil, "a copy's source registry must not get the destination's password")
        #expect(options.explicitCredentials(for: "registry.example.com:5000") == nil)
        let source = try RegistryClient(registry: "127.0.0.1:1", options: options)
        #expect(source.credentials == nil)
        options.credentialsRegistry = nil
        #expect(options.explicitCredentials(for: "anything.example") != nil, "unbound: a library caller's one registry")
    }

    @Test func plainHTTPOnlyForTheNamedRegistries() {
        var options = RegistryOptions(dockerConfigPath: nil)
        options.plainHTTPRegistries = ["10.0.0.5:5000"]
        #expect(options.scheme(for: RegistryHost("10.0.0.5:5000")!) == .http)
        #expect(options.scheme(for: RegistryHost("10.0.0.5:5001")!) == .https)
        #expect(options.scheme(for: RegistryHost("ghcr.io")!) == .https, "allowing one insecure registry leaves every other on TLS")
        #expect(options.allows(RegistryOrigin(url: "http://10.0.0.5:5000/x")!, from: RegistryOrigin(url: "http://10.0.0.5:5000")!))
        #expect(!options.allows(RegistryOrigin(url: "http://storage.example/x")!, from: RegistryOrigin(url: "http://10.0.0.5:5000")!))
    }

    @Test func secretsAreRedactedBeforeEscapingAndCutting() {
        let password = #"pa"ss\word"#
        let token = String(repeating: "t", count: 300)
        let body = Array(#"{"errors":[{"code":"DENIED","message":"bad password pa\"ss\\word for token \#(token)"}]}"#.utf8)
        let summary = RegistryErrorBody(body).redacting([password, token]).summary
        #expect(!summary.contains("ss\\\\word") && !summary.contains("ss\\word") && !summary.contains("ttttt"), "\(summary)")
        #expect(summary.contains("(redacted)"))
    }

    @Test func aLayoutTagMovesToTheNewImage() async throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let store = try LayoutStore(path: sample.layout.path)
        let app = try await store.resolve(.tag("app"))
        let index = try await store.resolve(.tag("index"))
        try await store.putManifest(try await store.fetch(index), as: index, role: .image(tag: "app"))
        #expect(try await store.resolve(.tag("app")).digest == index.digest, "the tag names one image, the new one")
        #expect(try await store.resolve(.digest(app.digest)).digest == app.digest, "the old image is still there by digest")
    }
}
