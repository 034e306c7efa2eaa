import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat
import X509

/// `sigil-server init`, `tsa` and `rotate tsa` as the real binary, over HTTP with curl: the key
/// and chain `init` writes, the trusted root's `timestampAuthorities`, replies that verify against
/// that trusted root, refusals as JSON, and a rotation after which old and new timestamps verify.
@Suite(.timeLimit(.minutes(3))) struct TSAEndToEndTests {
    let directory = TemporaryDirectory()

    func trustedRoot(_ data: String) throws -> TrustedRoot {
        try TrustedRoot(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trusted_root.json"))))
    }

    /// POSTs `body` with `contentType`; returns the HTTP status and the body's file.
    func post(_ server: ServerProcess, _ body: [UInt8], contentType: String, name: String) throws -> (status: String, reply: String) {
        let request = directory.path(name + ".req"), reply = directory.path(name + ".reply")
        try Data(body).write(to: URL(fileURLWithPath: request))
        let result = try runToCompletion("/usr/bin/curl", ["-s", "-o", reply, "-w", "%{http_code}", "-H", "Content-Type: \(contentType)",
                                                           "--data-binary", "@" + request, server.url + "/api/v1/timestamp"])
        return (result.output, reply)
    }

    @Test func initServeRotateAndVerifyOverHTTP() async throws {
        let data = directory.path("data")
        let initialised = try runToCompletion(ServerProcess.binary, ["init", "--data", data, "--ca-config", InitTests.caConfig])
        try #require(initialised.status == 0, "\(initialised.output)")
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/keys/tsa-signing-key.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let root = try trustedRoot(data)
        let authority = try #require(root.timestampAuthorities.first)
        #expect(root.timestampAuthorities.count == 1 && authority.certificates.count == 3)
        #expect(authority.uri == "http://127.0.0.1:5557/api/v1/timestamp")
        #expect(authority.subject?.commonName == "Sigil Timestamp Authority" && authority.validFor?.end == nil)
        let settings = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/config/tsa.json"))))
        #expect(settings["port"]?.integerValue == 5557)

        var server = try await ServerProcess(data: data, command: "tsa")
        let signature = Array("the signature".utf8)
        let request = try TimeStampRequest(hashAlgorithm: .sha256, hashedMessage: HashAlgorithm.sha256.digest(signature),
                                           nonce: [9, 9, 9], certificateRequested: true)
        let first = try post(server, request.derEncoded(), contentType: "application/timestamp-query", name: "first")
        #expect(first.status == "200")
        let firstReply = Array(try Data(contentsOf: URL(fileURLWithPath: first.reply)))
        _ = try await TimestampVerifier.verify(response: firstReply, signature: signature, authorities: root.timestampAuthorities)

        let chain = try runToCompletion("/usr/bin/curl", ["-fs", server.url + "/api/v1/timestamp/certchain"])
        #expect(try PEMDecoding.blocks(in: chain.output).map { try Certificate(derEncoded: $0.der) } == authority.certificates)

        let wrongType = try post(server, request.derEncoded(), contentType: "text/plain", name: "wrong")
        #expect(wrongType.status == "415")
        let sha1 = try post(server, Array(#"{"artifactHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAA=","hashAlgorithm":"sha1"}"#.utf8),
                            contentType: "application/json", name: "sha1")
        #expect(sha1.status == "400")
        let refusal = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: sha1.reply))))
        #expect(refusal["code"]?.integerValue == 400 && refusal["message"]?.stringValue?.contains("SHA-1") == true, "\(refusal)")
        let huge = try post(server, [UInt8](repeating: 0x30, count: 1 << 20), contentType: "application/timestamp-query", name: "huge")
        #expect(huge.status == "413")

        let busy = try runToCompletion(ServerProcess.binary, ["rotate", "tsa", "--data", data])
        #expect(busy.status != 0 && busy.output.contains("in use by another process"), "\(busy.output)")
        server.stop()

        let rotated = try runToCompletion(ServerProcess.binary, ["rotate", "tsa", "--data", data])
        try #require(rotated.status == 0, "\(rotated.output)")
        let newRoot = try trustedRoot(data)
        #expect(newRoot.timestampAuthorities.count == 2)
        #expect(newRoot.timestampAuthorities[0].validFor?.end != nil && newRoot.timestampAuthorities[1].validFor?.end == nil)
        #expect(newRoot.timestampAuthorities[0].certificates == authority.certificates)
        #expect(newRoot.timestampAuthorities[1].certificates[0] != authority.certificates[0])

        server = try await ServerProcess(data: data, command: "tsa")
        defer { server.stop() }
        let second = try post(server, request.derEncoded(), contentType: "application/timestamp-query", name: "second")
        #expect(second.status == "200")
        let secondReply = Array(try Data(contentsOf: URL(fileURLWithPath: second.reply)))
        // Both verify against the rotated trusted root: each against its own chain and window.
        _ = try await TimestampVerifier.verify(response: firstReply, signature: signature, authorities: newRoot.timestampAuthorities)
        _ = try await TimestampVerifier.verify(response: secondReply, signature: signature, authorities: newRoot.timestampAuthorities)
        // The new reply is not evidence under the old chain alone.
        await #expect(throws: TimestampError.self) {
            try await TimestampVerifier.verify(response: secondReply, signature: signature, authorities: [newRoot.timestampAuthorities[0]])
        }
    }

    /// A folder initialised before the TSA existed has no TSA key: `all` runs the other servers
    /// and says the TSA is not in this folder, rather than refusing to start.
    @Test func allRunsWithoutATSAInAnOlderDataFolder() async throws {
        let data = directory.path("old")
        let ports = try OtherPortsTests.freePorts()
        let initialised = try runToCompletion(ServerProcess.binary, [
            "init", "--data", data, "--ca-config", InitTests.caConfig, "--oidc-url", "http://127.0.0.1:\(ports.oidc)",
            "--ca-url", "http://127.0.0.1:\(ports.ca)", "--log-url", "http://127.0.0.1:\(ports.log)",
        ])
        try #require(initialised.status == 0, "\(initialised.output)")
        for path in ["keys/tsa-signing-key.pem", "tsa", "config/tsa.json"] { try FileManager.default.removeItem(atPath: data + "/" + path) }
        let output = directory.path("all.log")
        FileManager.default.createFile(atPath: output, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = ["all", "--data", data]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var up = false
        for _ in 0..<150 where !up {
            up = try runToCompletion("/usr/bin/curl", ["-fs", "http://127.0.0.1:\(ports.log)/healthz"]).status == 0
                && (try String(contentsOfFile: output, encoding: .utf8)).contains("Sigil is running")
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(up, "\((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("not in this data folder"))
    }
}
