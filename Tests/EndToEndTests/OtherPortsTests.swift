import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// `sigil-server all` on ports other than the defaults, as a newcomer would run it: flags for the
/// three ports, a restart that needs none, a start that disagrees with the trust files refused,
/// and the client reaching everything through the trust config alone.
@Suite(.timeLimit(.minutes(3))) struct OtherPortsTests {
    let directory = TemporaryDirectory()

    /// Four distinct free ports: the issuer's, the CA's, the log's and the TSA's.
    static func freePorts() throws -> (oidc: Int, ca: Int, log: Int, tsa: Int) {
        var ports: [Int] = []
        while ports.count < 4 {
            let port = try FreePort.find()
            if !ports.contains(port) { ports.append(port) }
        }
        return (ports[0], ports[1], ports[2], ports[3])
    }

    /// Starts `sigil-server all` and waits until all four servers answer `/healthz`.
    static func startAll(_ arguments: [String], ports: (oidc: Int, ca: Int, log: Int, tsa: Int)) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = ["all", "--ca-config", InitTests.caConfig] + arguments
        // Its log goes to a file, so that a failure to come up can say why.
        let logPath = NSTemporaryDirectory() + "sigil-all-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<150 {
            let healthy = try [ports.oidc, ports.ca, ports.log, ports.tsa].allSatisfy {
                try runToCompletion("/usr/bin/curl", ["-fs", "http://127.0.0.1:\($0)/healthz"]).status == 0
            }
            if healthy { return process }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let output = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: logPath))) ?? Data(), as: UTF8.self)
        throw ServerProcessError("sigil-server all \(arguments) did not come up on \(ports) (exit \(process.terminationStatus)): \(output.suffix(2000))")
    }

    static func stop(_ process: Process) {
        process.terminate()
        process.waitUntilExit()
    }

    @Test func allTakesAPortPerServerAndRestartsOnThemWithoutFlags() async throws {
        let data = directory.path("data")
        let ports = try Self.freePorts()
        let first = try await Self.startAll(["--data", data, "--oidc-port", String(ports.oidc), "--ca-port", String(ports.ca),
                                             "--log-port", String(ports.log), "--tsa-port", String(ports.tsa)], ports: ports)
        Self.stop(first)
        for (server, port) in [("oidc", ports.oidc), ("ca", ports.ca), ("log", ports.log), ("tsa", ports.tsa)] {
            let settings = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: "\(data)/config/\(server).json"))))
            #expect(settings["port"]?.integerValue == Int64(port), "\(server)")
        }
        // The settings `init` wrote carry the ports, so a plain restart listens where the trust files say.
        let again = try await Self.startAll(["--data", data], ports: ports)
        try await signVerifyAndAudit(data: data, issuer: "http://127.0.0.1:\(ports.oidc)")
        Self.stop(again)

        let elsewhere = try FreePort.find()
        let refused = try runToCompletion(ServerProcess.binary, ["all", "--data", data, "--log-port", String(elsewhere)])
        #expect(refused.status != 0)
        #expect(refused.output.contains("the trust files send clients to the log at http://127.0.0.1:\(ports.log), "
                                        + "but it would listen on http://127.0.0.1:\(elsewhere)"), "\(refused.output)")
        #expect(refused.output.contains("--log-port \(ports.log)"), "the fix is named: \(refused.output)")
    }

    /// The client needs nothing but the trust config: no --fulcio-url, --rekor-url, --log-url,
    /// --log-key or --bundle.
    func signVerifyAndAudit(data: String, issuer: String) async throws {
        let token = try runToCompletion("/usr/bin/curl", ["-fs", "-X", "POST", "-d", "subject=alice@example.com&email=alice@example.com",
                                                          issuer + "/token"])
        let idToken = try #require(try JSONValue(parsing: Array(token.output.utf8))["id_token"]?.stringValue, "\(token.output)")
        let sigil = BuildProducts.path("sigil"), trust = data + "/trust_config.json", artifact = directory.path("a.txt")
        try "hello".write(toFile: artifact, atomically: true, encoding: .utf8)
        // Through the Rekor v1 log, which `sigil log` audits by default (the signing config would pick v2 + TSA).
        let signed = try runToCompletion(sigil, ["sign-blob", artifact, "--trust-config", trust, "--rekor-version", "1", "--identity-token", idToken])
        #expect(signed.status == 0, "\(signed.output)")
        let verified = try runToCompletion(sigil, ["verify-blob", artifact, "--trust-config", trust,
                                                   "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", issuer])
        #expect(verified.status == 0, "\(verified.output)")
        let info = try runToCompletion(sigil, ["log", "info", "--trust-config", trust])
        #expect(info.status == 0 && info.output.contains("Tree size:  1"), "\(info.output)")
    }

    @Test func allRefusesOnePortNamingTheThreeFlags() throws {
        let result = try runToCompletion(ServerProcess.binary, ["all", "--data", directory.path("data"), "--port", "13000"])
        #expect(result.status != 0)
        #expect(result.output.contains("use --oidc-port, --ca-port and --log-port"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")), "nothing was initialised")
    }

    @Test func aSingleServerOnAnotherPortThanTheTrustFilesWarns() throws {
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let port = try FreePort.find()
        let checked = try runToCompletion(ServerProcess.binary, ["log", "--data", data, "--port", String(port), "--check-config"])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("the trust files send clients to the log at http://127.0.0.1:3000"), "\(checked.output)")
        let quiet = try runToCompletion(ServerProcess.binary, ["log", "--data", data, "--check-config"])
        #expect(quiet.status == 0 && !quiet.output.contains("trust files send clients"), "\(quiet.output)")
    }
}
