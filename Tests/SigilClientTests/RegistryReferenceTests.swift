import Foundation
@testable import SigilClient
import TestSupport
import Testing
import WireFormat

/// Registry references, Docker's normalisation and the small protocol pieces of the registry
/// client (challenges, links, the referrers tag, the transport rule, Docker's config file), each
/// as a table.
@Suite struct RegistryReferenceTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let registry: String
        let repository: String
        let tag: String?
        let digest: String?
        let printed: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "alpine", registry: "docker.io", repository: "library/alpine", tag: nil, digest: nil, printed: "docker.io/library/alpine"),
        Case(text: "alpine:3.20", registry: "docker.io", repository: "library/alpine", tag: "3.20", digest: nil, printed: "docker.io/library/alpine:3.20"),
        Case(text: "user/app:v1", registry: "docker.io", repository: "user/app", tag: "v1", digest: nil, printed: "docker.io/user/app:v1"),
        Case(text: "docker.io/alpine", registry: "docker.io", repository: "library/alpine", tag: nil, digest: nil, printed: "docker.io/library/alpine"),
        Case(text: "index.docker.io/user/app", registry: "docker.io", repository: "user/app", tag: nil, digest: nil, printed: "docker.io/user/app"),
        Case(text: "localhost/app:1", registry: "localhost", repository: "app", tag: "1", digest: nil, printed: "localhost/app:1"),
        Case(text: "localhost:5000/a/b/c:latest", registry: "localhost:5000", repository: "a/b/c", tag: "latest", digest: nil,
             printed: "localhost:5000/a/b/c:latest"),
        Case(text: "127.0.0.1:5000/app@\(digest)", registry: "127.0.0.1:5000", repository: "app", tag: nil, digest: digest,
             printed: "127.0.0.1:5000/app@\(digest)"),
        Case(text: "ghcr.io/org/app:v1@\(digest)", registry: "ghcr.io", repository: "org/app", tag: "v1", digest: digest,
             printed: "ghcr.io/org/app:v1@\(digest)"),
        Case(text: "[::1]:5000/app:x", registry: "[::1]:5000", repository: "app", tag: "x", digest: nil, printed: "[::1]:5000/app:x"),
        Case(text: "Registry/app", registry: "Registry", repository: "app", tag: nil, digest: nil, printed: "Registry/app"),
        Case(text: "r.example/a__b/c-d--e.f_g:_T.a-g", registry: "r.example", repository: "a__b/c-d--e.f_g", tag: "_T.a-g", digest: nil,
             printed: "r.example/a__b/c-d--e.f_g:_T.a-g"),
    ])
    func parses(_ c: Case) throws {
        let reference = try RegistryReference(parsing: c.text)
        #expect(reference.registry == c.registry)
        #expect(reference.repository == c.repository)
        #expect(reference.tag == c.tag)
        #expect(reference.digest?.description == c.digest)
        #expect(reference.description == c.printed)
        #expect(try RegistryReference(parsing: reference.description) == reference, "prints back to itself")
    }

    @Test func theDigestWinsOverTheTag() throws {
        let reference = try RegistryReference(parsing: "ghcr.io/org/app:v1@\(Self.digest)")
        #expect(reference.selector == .digest(OCIDigest(Self.digest)!))
        #expect(try RegistryReference(parsing: "ghcr.io/org/app:v1").selector == .tag("v1"))
        #expect(try RegistryReference(parsing: "ghcr.io/org/app").selector == .only)
        #expect(try RegistryReference(parsing: "alpine").apiHost.description == "registry-1.docker.io")
        #expect(try RegistryReference(parsing: "ghcr.io/org/app").apiHost.description == "ghcr.io")
    }

    @Test(arguments: [
        ("", "empty"),
        ("ghcr.io/Org/app", "path component"),
        ("ghcr.io/org//app", "path component"),
        ("ghcr.io/org/app.", "path component"),
        ("ghcr.io/org/-app", "path component"),
        ("ghcr.io/org/a___b", "path component"),
        ("ghcr.io/org/app:", "tag"),
        ("ghcr.io/org/app:.v1", "tag"),
        ("ghcr.io/org/app:" + String(repeating: "t", count: 129), "tag"),
        ("ghcr.io/org/app@sha256:XYZ", "not a digest"),
        ("ghcr.io/org/app@sha256:" + String(repeating: "AB", count: 32), "not a digest"),
        ("ghcr.io:0/app", "registry host"),
        ("ghcr.io:99999/app", "registry host"),
        ("gh_cr.io/app", "registry host"),
        ("ghcr.io/", "repository is empty"),
        ("ghcr.io/app:v1\u{0301}", "tag"),
        ("ghcr.io/a\u{0301}pp", "path component"),
        ("r.example/" + String(repeating: "a", count: 250), "longer than"),
    ])
    func refusesBadReferences(_ text: String, _ reason: String) {
        #expect {
            try RegistryReference(parsing: text)
        } throws: { error in
            guard case .badReference(let message) = error as? ImageStoreError else { return false }
            return message.contains(reason)
        }
    }

    @Test func challengesAreParsed() {
        #expect(AuthChallenge(headerValues: [#"Basic realm="sigil-test""#]) == .basic)
        #expect(AuthChallenge(headerValues: [#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#])
            == .bearer(realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push", error: nil))
        #expect(AuthChallenge(headerValues: [#"bearer realm="https://a/t", error="insufficient_scope", scope="repository:a:push""#])
            == .bearer(realm: "https://a/t", service: nil, scope: "repository:a:push", error: "insufficient_scope"))
        #expect(AuthChallenge(headerValues: [#"Negotiate abc"#, #"Basic realm="x""#]) == .basic)
        #expect(AuthChallenge(headerValues: [#"Bearer service="x""#]) == nil, "a bearer challenge without a realm")
        #expect(AuthChallenge(headerValues: [#"Bearer realm="unterminated"#]) == nil)
    }

    @Test func nextLinksAreFound() {
        #expect(LinkHeader.next(in: [#"</v2/a/referrers/sha256:x?n=2&last=y>; rel="next""#]) == "/v2/a/referrers/sha256:x?n=2&last=y")
        #expect(LinkHeader.next(in: [#"<https://a/prev>; rel="prev", <https://a/next>; rel=next"#]) == "https://a/next")
        #expect(LinkHeader.next(in: [#"<https://a/p>; title="a, b"; rel="prev next""#]) == "https://a/p")
        #expect(LinkHeader.next(in: [#"<https://a/p>; rel="prev""#]) == nil)
        #expect(LinkHeader.next(in: []) == nil)
    }

    @Test func referrersTagsFollowTheSchema() {
        let sha256 = OCIDigest("sha256:" + String(repeating: "a", count: 64))!
        #expect(ReferrersTag.tag(for: sha256) == "sha256-" + String(repeating: "a", count: 64))
        let sha512 = OCIDigest("sha512:" + String(repeating: "b", count: 64) + String(repeating: "c", count: 64))!
        #expect(ReferrersTag.tag(for: sha512) == "sha512-" + String(repeating: "b", count: 64), "the encoded part is cut to 64")
    }

    @Test func plainHTTPOnlyForLoopbackOrWhenAllowed() throws {
        func origin(_ url: String) -> RegistryOrigin { RegistryOrigin(url: url)! }
        let automatic = RegistryOptions(dockerConfigPath: nil)
        #expect(automatic.scheme(for: RegistryHost("127.0.0.1:5000")!) == .http)
        #expect(automatic.scheme(for: RegistryHost("127.5.6.7")!) == .http)
        #expect(automatic.scheme(for: RegistryHost("localhost:5000")!) == .http)
        #expect(automatic.scheme(for: RegistryHost("[::1]:5000")!) == .http)
        #expect(automatic.scheme(for: RegistryHost("128.0.0.1")!) == .https)
        #expect(automatic.scheme(for: RegistryHost("127.0.0.1.example")!) == .https)
        #expect(automatic.scheme(for: RegistryHost("ghcr.io")!) == .https)
        #expect(RegistryOptions(dockerConfigPath: nil, caFile: "/ca.pem").scheme(for: RegistryHost("127.0.0.1:5000")!) == .https)
        #expect(RegistryOptions(dockerConfigPath: nil, transport: .tls).scheme(for: RegistryHost("localhost")!) == .https)
        #expect(RegistryOptions(dockerConfigPath: nil, transport: .plainHTTPUnsafe).scheme(for: RegistryHost("ghcr.io")!) == .http)

        // Redirects and upload locations: never a downgrade from HTTPS, plain HTTP only between loopback hosts.
        #expect(automatic.allows(origin("https://storage.example/x"), from: origin("https://ghcr.io")))
        #expect(automatic.allows(origin("https://storage.example/x"), from: origin("http://127.0.0.1:5000")))
        #expect(!automatic.allows(origin("http://127.0.0.1:9000/x"), from: origin("https://127.0.0.1:5000")))
        #expect(!automatic.allows(origin("http://storage.example/x"), from: origin("https://ghcr.io")))
        #expect(!automatic.allows(origin("http://storage.example/x"), from: origin("http://127.0.0.1:5000")))
        #expect(automatic.allows(origin("http://localhost:9000/x"), from: origin("http://127.0.0.1:5000")))
        let unsafe = RegistryOptions(dockerConfigPath: nil, transport: .plainHTTPUnsafe)
        #expect(unsafe.allows(origin("http://storage.example/x"), from: origin("https://ghcr.io")))
        #expect(RegistryOrigin(url: "https://user:pw@ghcr.io/x") == nil, "userinfo in a URL is refused")
        #expect(origin("https://ghcr.io/a") == origin("https://GHCR.io:443/b"))
        #expect(origin("https://ghcr.io/a") != origin("http://ghcr.io/a"))
    }

    @Test func dockerConfigCredentialsAreFoundByHost() throws {
        let directory = TemporaryDirectory()
        let path = directory.path("config.json")
        let config: JSONValue = ["auths": [
            "https://index.docker.io/v1/": ["auth": .string(StrictBase64.encode(Array("hub:hub-secret".utf8)))],
            "https://registry.example:5000": ["auth": .string(StrictBase64.encode(Array("alice:p:w".utf8)))],
            "ghcr.io": ["username": "bob", "password": "ghcr-secret"],
            "quay.io": ["identitytoken": "ignored"],
        ]]
        try Data(CanonicalJSON.encode(config)).write(to: URL(fileURLWithPath: path))
        let docker = try DockerConfig(path: path)
        #expect(docker.credentials(for: "docker.io") == RegistryCredentials(username: "hub", password: "hub-secret"))
        #expect(docker.credentials(for: "registry.example:5000") == RegistryCredentials(username: "alice", password: "p:w"))
        #expect(docker.credentials(for: "GHCR.io") == RegistryCredentials(username: "bob", password: "ghcr-secret"))
        #expect(docker.credentials(for: "quay.io") == nil)
        #expect(docker.credentials(for: "registry.example") == nil, "the port is part of the name")
        #expect(try DockerConfig(path: directory.path("absent.json")).credentials(for: "ghcr.io") == nil)

        // A malformed auth value is an error that names the entry, never the value.
        let secret = StrictBase64.encode(Array("no-colon-secret".utf8))
        try Data(CanonicalJSON.encode(["auths": ["ghcr.io": ["auth": .string(secret)]]])).write(to: URL(fileURLWithPath: path))
        #expect {
            try DockerConfig(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("ghcr.io") && !text.contains(secret) && !text.contains("no-colon-secret")
        }
        #expect(RegistryOptions.defaultDockerConfigPath(environment: ["DOCKER_CONFIG": "/d", "HOME": "/h"]) == "/d/config.json")
        #expect(RegistryOptions.defaultDockerConfigPath(environment: ["HOME": "/h"]) == "/h/.docker/config.json")
    }

    @Test func credentialsNeverPrintTheirPassword() {
        let credentials = RegistryCredentials(username: "alice", password: "hunter2-secret")
        let options = RegistryOptions(credentials: credentials, dockerConfigPath: nil)
        var dumped = ""
        dump(options, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), "\(options)", dumped] {
            #expect(!text.contains("hunter2-secret"), "\(text)")
            #expect(!text.contains(StrictBase64.encode(Array("alice:hunter2-secret".utf8))))
        }
        #expect("\(credentials)".contains("alice"))
    }
}
