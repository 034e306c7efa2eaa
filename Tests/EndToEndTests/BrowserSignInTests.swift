import Foundation
import TestSupport
import Testing

/// `sigil sign-blob` with no token (issue 19): on a terminal (`script` gives it one, as the copy
/// progress test does) it signs in at the development issuer through the browser, here a shell
/// script that fills in the sign-in form with curl; with no terminal it fails as it always did
/// and opens nothing.
@Suite(.timeLimit(.minutes(3))) struct BrowserSignInTests {
    /// A "browser" for `BROWSER`: GETs the sign-in page, posts its hidden fields back with
    /// `email`, and follows the issuer's redirect to sigil's loopback callback; leaves `marker`.
    static func writeBrowser(at path: String, email: String, marker: String) throws {
        let script = """
            #!/bin/sh
            set -eu
            touch '\(marker)'
            form=$(mktemp)
            curl -fsS "$1" | sed -n 's/.*<input type="hidden" name="\\([^"]*\\)" value="\\([^"]*\\)">.*/data-urlencode = "\\1=\\2"/p' >"$form"
            echo 'data-urlencode = "email=\(email)"' >>"$form"
            curl -fsS -L -K "$form" "${1%%\\?*}" >/dev/null
            rm -f "$form"

            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// Runs `binary` with stdin at /dev/null (so `script` and `sigil` see the same input whatever
    /// the test runner's is) and no token in the environment; returns status and combined output.
    static func run(_ binary: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SIGSTORE_ID_TOKEN"] = nil
        environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func signBlobWithNoTokenSignsInThroughTheBrowserOnATerminal() async throws {
        let directory = TemporaryDirectory()
        let stack = try await SigilStack(directory: directory.path("servers"))
        defer { stack.stop() }
        let artifact = directory.path("a.txt"), bundle = directory.path("a.sigstore.json")
        let browser = directory.path("browser.sh"), marker = directory.path("opened")
        try "signed by a person".write(toFile: artifact, atomically: true, encoding: .utf8)
        try Self.writeBrowser(at: browser, email: "frank@example.com", marker: marker)
        let command = (["env", "-u", "SIGSTORE_ID_TOKEN", "-u", "ACTIONS_ID_TOKEN_REQUEST_URL", "BROWSER=" + browser,
                        AttestationAndImageTests.sigilBinary, "sign-blob", artifact, "--bundle", bundle,
                        "--oidc-issuer", stack.oidcURL] + stack.signingFlags)
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let signed = try Self.run("/usr/bin/timeout", ["60", "/usr/bin/script", "-qec", command, "/dev/null"])
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.output.contains("Opened your browser to sign in at \(stack.oidcURL)"), "\(signed.output)")
        #expect(signed.output.contains("as frank@example.com"), "\(signed.output)")
        let verified = try runToCompletion(AttestationAndImageTests.sigilBinary, [
            "verify-blob", artifact, "--bundle", bundle, "--trust-config", stack.trustConfig,
            "--certificate-identity", "frank@example.com", "--certificate-oidc-issuer", stack.oidcURL])
        #expect(verified.status == 0, "\(verified.output)")
    }

    @Test func signBlobWithNoTokenAndNoTerminalFailsClearlyAndOpensNothing() async throws {
        let directory = TemporaryDirectory()
        let artifact = directory.path("a.txt"), bundle = directory.path("a.sigstore.json")
        let browser = directory.path("browser.sh"), marker = directory.path("opened")
        try "nobody at the keyboard".write(toFile: artifact, atomically: true, encoding: .utf8)
        try Self.writeBrowser(at: browser, email: "frank@example.com", marker: marker)
        // A trust config is needed to get as far as the token; the CA's URL is never reached.
        let stack = try await SigilStack(directory: directory.path("servers"))
        defer { stack.stop() }
        let (status, output) = try Self.run(AttestationAndImageTests.sigilBinary,
                                            ["sign-blob", artifact, "--bundle", bundle, "--oidc-issuer", stack.oidcURL] + stack.signingFlags,
                                            environment: ["BROWSER": browser])
        #expect(status != 0)
        #expect(output.contains("no identity token: pass --identity-token, set SIGSTORE_ID_TOKEN, or run in GitHub Actions"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "no browser without a terminal")
        #expect(!FileManager.default.fileExists(atPath: bundle))
    }
}
