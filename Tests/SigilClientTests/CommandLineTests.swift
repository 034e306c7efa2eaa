import Foundation
import Hummingbird
import NIOCore
import SigilClient
import SigstoreKit
import TestSupport
import Testing

/// The `sigil` CLI end to end: generate-key-pair → sign-blob → verify-blob, keyless and with a
/// key, and the bad-input cases, which must exit non-zero and leave no bundle behind.
@Suite(.timeLimit(.minutes(2))) struct CommandLineTests {
    /// `sigil` from the build under test (``BuildProducts``: `SIGIL_BIN_DIR`, or the bin path).
    static var binary: String { BuildProducts.path("sigil") }

    /// Runs the CLI on a Dispatch thread: blocking a cooperative-pool thread while the child
    /// talks to servers that run in this process would starve them (the pool is one thread per core).
    func sigil(_ arguments: [String], password: String? = nil) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, password: password) })
            }
        }
    }

    private func runBlocking(_ arguments: [String], password: String?) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SIGIL_PASSWORD"] = password
        environment["SIGSTORE_ID_TOKEN"] = nil
        environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A ClientTrustConfig naming the test log and CA.
    func writeTrustConfig(_ path: String, log: TestLog, fulcio: TestFulcio, caURL: String) throws {
        let start = TimeRange(start: Date().addingTimeInterval(-3600))
        let root = TrustedRoot(tlogs: [log.instance], certificateAuthorities: [fulcio.authority], ctlogs: [fulcio.ctLog])
        let signing = SigningConfig(caURLs: [.init(url: caURL, majorAPIVersion: 1, validFor: start, operator: "test")],
                                    rekorTlogURLs: [.init(url: log.server.url, majorAPIVersion: 1, validFor: start, operator: "test")])
        try Data(ClientTrustConfig(trustedRoot: root, signingConfig: signing).encoded()).write(to: URL(fileURLWithPath: path))
    }

    @Test func keyBasedSignAndVerify() async throws {
        let directory = TemporaryDirectory()
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let fulcio = TestFulcio()
        let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt"), prefix = directory.path("release")
        try writeTrustConfig(trust, log: log, fulcio: fulcio, caURL: "http://127.0.0.1:1")
        try "payload".write(toFile: artifact, atomically: true, encoding: .utf8)

        let generated = try await sigil(["generate-key-pair", "--output-key-prefix", prefix], password: "pw")
        #expect(generated.status == 0, "\(generated.output)")
        let mode = try FileManager.default.attributesOfItem(atPath: prefix + ".key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!generated.output.contains("pw\n"))

        let signed = try await sigil(["sign-blob", artifact, "--key", prefix + ".key", "--trust-config", trust], password: "pw")
        #expect(signed.status == 0, "\(signed.output)")
        let verified = try await sigil(["verify-blob", artifact, "--bundle", artifact + ".sigstore.json", "--key", prefix + ".pub",
                                  "--trust-config", trust, "--json"])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("\"logIndex\" : 0"))

        try "changed".write(toFile: artifact, atomically: true, encoding: .utf8)
        let tampered = try await sigil(["verify-blob", artifact, "--bundle", artifact + ".sigstore.json", "--key", prefix + ".pub", "--trust-config", trust])
        #expect(tampered.status != 0)
        #expect(tampered.output.contains("artifact signature"), "\(tampered.output)")

        // A bundle path that is the artifact itself (here through a symbolic link) is refused before
        // anything is signed, and the artifact is left as it was.
        let alias = directory.path("alias.txt")
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: artifact)
        let overwrite = try await sigil(["sign-blob", artifact, "--bundle", alias, "--key", prefix + ".key", "--trust-config", trust], password: "pw")
        #expect(overwrite.status != 0)
        #expect(overwrite.output.contains("is the file being signed"), "\(overwrite.output)")
        #expect(try String(contentsOfFile: artifact, encoding: .utf8) == "changed")
        // A bundle path that is a link to another file keeps the link and replaces what it points to.
        let linked = directory.path("bundle-target.json"), link = directory.path("bundle-link.json")
        try "old".write(toFile: linked, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: linked)
        let throughLink = try await sigil(["sign-blob", artifact, "--bundle", link, "--key", prefix + ".key", "--trust-config", trust], password: "pw")
        #expect(throughLink.status == 0, "\(throughLink.output)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == linked)
        #expect(try String(contentsOfFile: linked, encoding: .utf8).contains("mediaType"))
    }

    @Test func keylessSignAndVerifyIdentity() async throws {
        let directory = TemporaryDirectory()
        let log = try await TestLog()
        let fulcio = TestFulcio()
        let ca = try await LiveServer.start(fulcio.router())
        defer { Task { await ca.stop(); await log.stop() } }
        let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt"), bundle = directory.path("out.json")
        try writeTrustConfig(trust, log: log, fulcio: fulcio, caURL: ca.url)
        try "payload".write(toFile: artifact, atomically: true, encoding: .utf8)

        let signed = try await sigil(["sign-blob", artifact, "--bundle", bundle, "--trust-config", trust, "--identity-token", fulcio.token()])
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.output.contains("alice@example.com"))
        let verified = try await sigil(["verify-blob", artifact, "--bundle", bundle, "--trust-config", trust,
                                  "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", fulcio.issuerURL])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("log index: 0"))
        let wrong = try await sigil(["verify-blob", artifact, "--bundle", bundle, "--trust-config", trust,
                               "--certificate-identity-regexp", "^bob@", "--certificate-oidc-issuer", fulcio.issuerURL])
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("identity"), "\(wrong.output)")
    }

    /// Each failure exits non-zero, says what went wrong, and writes no bundle.
    @Test func failuresWriteNoBundle() async throws {
        let directory = TemporaryDirectory()
        let log = try await TestLog()
        let fulcio = TestFulcio()
        let garbageCA = try await LiveServer.start(fulcio.router(.garbage))
        let garbageLog = try await LiveServer.start(Self.garbageLogRouter())
        defer { Task { await garbageCA.stop(); await garbageLog.stop(); await log.stop() } }
        let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt"), prefix = directory.path("k")
        try writeTrustConfig(trust, log: log, fulcio: fulcio, caURL: garbageCA.url)
        try "payload".write(toFile: artifact, atomically: true, encoding: .utf8)
        #expect(try await sigil(["generate-key-pair", "--output-key-prefix", prefix], password: "right").status == 0)

        let cases: [(String, [String], String?, String)] = [
            ("missing artifact", ["sign-blob", directory.path("nope.txt"), "--key", prefix + ".key", "--trust-config", trust], "right", "no such file"),
            ("wrong password", ["sign-blob", artifact, "--key", prefix + ".key", "--trust-config", trust], "wrong", "wrong password"),
            ("unreadable key", ["sign-blob", artifact, "--key", directory.path("missing.key"), "--trust-config", trust], "right", "cannot read"),
            ("log down", ["sign-blob", artifact, "--key", prefix + ".key", "--trust-config", trust, "--rekor-url", "http://127.0.0.1:1"], "right", "upload"),
            ("log answers garbage", ["sign-blob", artifact, "--key", prefix + ".key", "--trust-config", trust, "--rekor-url", garbageLog.url], "right", "upload"),
            ("CA down", ["sign-blob", artifact, "--trust-config", trust, "--identity-token", fulcio.token(), "--fulcio-url", "http://127.0.0.1:1"], nil, "signing certificate"),
            ("CA answers garbage", ["sign-blob", artifact, "--trust-config", trust, "--identity-token", fulcio.token()], nil, "signing certificate"),
            ("no token", ["sign-blob", artifact, "--trust-config", trust], nil, "identity token"),
        ]
        for (name, arguments, password, message) in cases {
            let result = try await sigil(arguments, password: password)
            #expect(result.status != 0, "\(name): \(result.output)")
            #expect(result.output.contains(message), "\(name): \(result.output)")
            #expect(!result.output.contains("right"), "\(name) printed the password")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains("sigstore") }
            #expect(leftovers.isEmpty, "\(name) left \(leftovers)")
        }
    }

    static func garbageLogRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/api/v1/log/entries") { _, _ in Response(status: .created, body: .init(byteBuffer: ByteBuffer(string: "{\"not\": \"an entry\"}"))) }
        return router
    }
}
