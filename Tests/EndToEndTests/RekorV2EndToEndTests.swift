import AsyncHTTPClient
import Foundation
import Merkle
import NIOCore
import SigilClient
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// The Rekor v2 log of a real `sigil-server log` made by `sigil-server init`: writes answer with
/// entries that verify against the trust files, refusals change nothing, and the `sigil log`
/// auditor commands follow the v2 log through its checkpoint and tiles.
@Suite struct RekorV2EndToEndTests {
    struct Answer {
        let status: UInt
        let headers: [(String, String)]
        let body: [UInt8]
    }

    static func post(_ url: String, _ body: [UInt8]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: response.status.code, headers: response.headers.map { ($0.name, $0.value) }, body: Array(bytes.readableBytesView))
    }

    static func get(_ url: String) async throws -> [UInt8] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        return Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
    }

    func sigil(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion(MonitorAndAuditTests.sigilBinary, arguments)
    }

    @Test(.timeLimit(.minutes(3)))
    func writesVerifyAgainstTheTrustFilesAndTheAuditorFollowsTheTiles() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let trust = try ClientTrustConfig(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trust_config.json"))))
        let v2 = try #require(trust.trustedRoot.tlogs.first { $0.keyDetails.isExactly("PKIX_ED25519") })
        let key = try #require(v2.key)
        #expect(v2.hostname.isExactly("127.0.0.1"))
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/keys/rekor-v2-signing-key.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let server = try await ServerProcess(data: data)
        defer { server.stop() }
        let base = server.url + "/rekor-v2"
        let signer = TestSigner(email: "alice@example.com")
        var requests: [[UInt8]] = []
        for i in 0..<3 {
            let request = signer.hashedRekordV002Request(artifact: Array("artifact \(i)".utf8))
            requests.append(request)
            let answer = try await Self.post(base + "/api/v2/log/entries", request)
            #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
            let entry = try BundleLogEntry(protoJSON: answer.body)
            #expect(entry.logIndex == Int64(i) && entry.logID == v2.logID)
            let proof = try #require(entry.inclusionProof)
            let checkpoint = try LogEntryVerification.verifyRekorV2Checkpoint(try #require(proof.checkpoint), logKey: key, origin: v2.hostname)
            #expect(checkpoint.treeSize == proof.treeSize && checkpoint.rootHash.bytes == proof.rootHash)
            try InclusionProof(leafIndex: entry.logIndex, treeSize: proof.treeSize, hashes: proof.hashes.compactMap { Hash($0) })
                .verify(leafHash: RFC6962.leafHash(entry.canonicalizedBody), rootHash: checkpoint.rootHash)
        }

        let before = try await Self.get(base + "/checkpoint")
        let duplicate = try await Self.post(base + "/api/v2/log/entries", requests[1])
        #expect(duplicate.status == 409)
        #expect(duplicate.headers.contains { $0.0.lowercased() == "x-log-index" && $0.1 == "1" })
        var unknown = try JSONValue(parsing: requests[0])
        if case .object(var members) = unknown { members["extra"] = true; unknown = .object(members) }
        let refused = try await Self.post(base + "/api/v2/log/entries", CanonicalJSON.encode(unknown))
        #expect(refused.status == 400)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("unknown field"))
        #expect(try await Self.get(base + "/checkpoint") == before)
        // The v1 log is its own tree.
        #expect(try await server.client.logInfo().treeSize == 0)

        // The auditor commands, with the key pinned from the data folder.
        let flags = ["--log-url", base, "--log-key", data + "/rekor-v2-public-key.pem", "--rekor-v2"]
        let state = directory.path("monitor.json")
        let info = try sigil(["log", "info"] + flags)
        #expect(info.status == 0 && info.output.contains("Tree size:  3"), "\(info.output)")
        let first = try sigil(["log", "monitor", "--state", state] + flags)
        #expect(first.status == 0 && first.output.contains("size 3"), "\(first.output)")
        // An auditor keeps the checkpoint file as fetched, to prove later that the log only grew.
        let saved = directory.path("checkpoint-3.txt")
        try Data(try await Self.get(base + "/checkpoint")).write(to: URL(fileURLWithPath: saved))
        for i in 3..<300 {
            let answer = try await Self.post(base + "/api/v2/log/entries", signer.hashedRekordV002Request(artifact: Array("artifact \(i)".utf8)))
            #expect(answer.status == 201)
        }
        let grown = try sigil(["log", "monitor", "--state", state] + flags)
        #expect(grown.status == 0 && grown.output.contains("3 → 300"), "\(grown.output)")
        let audit = try sigil(["log", "audit"] + flags)
        #expect(audit.status == 0 && audit.output.contains("Audit passed."), "\(audit.output)")
        let consistent = try sigil(["log", "consistency", "--from-checkpoint", saved] + flags)
        #expect(consistent.status == 0 && consistent.output.contains("Tree size 300") && consistent.output.contains("saved tree size 3"),
                "\(consistent.output)")
        var forged = Array(try Data(contentsOf: URL(fileURLWithPath: saved)))
        forged[forged.count / 3] ^= 1
        try Data(forged).write(to: URL(fileURLWithPath: saved))
        let forgedRun = try sigil(["log", "consistency", "--from-checkpoint", saved] + flags)
        #expect(forgedRun.status != 0 && forgedRun.output.contains("does not verify"), "\(forgedRun.output)")
        #expect(try sigil(["log", "consistency", "--from", "3"] + flags).status != 0, "--from names a v1 size")
        let wrongKey = try sigil(["log", "info", "--log-url", base, "--log-key", data + "/log-public-key.pem", "--rekor-v2"])
        #expect(wrongKey.status != 0)
    }

    /// With the trust config naming the v2 log where it runs, `--trust-config` and the v2 base URL
    /// are all the auditor commands need: the key, the origin and "this is a v2 log" come from it.
    @Test(.timeLimit(.minutes(2)))
    func theAuditorFindsTheV2LogInTheTrustConfig() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        let port = try FreePort.find()
        let initialised = try runToCompletion(ServerProcess.binary, ["init", "--data", data, "--log-url", "http://127.0.0.1:\(port)"])
        #expect(initialised.status == 0, "\(initialised.output)")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        server.arguments = ["log", "--data", data]   // listens on the port init wrote into config/log.json
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)/rekor-v2"
        var up = false
        for _ in 0..<150 where !up {
            up = (try? runToCompletion("/usr/bin/curl", ["-fs", "http://127.0.0.1:\(port)/healthz"]))?.status == 0
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(up)
        let signer = TestSigner()
        for i in 0..<4 {
            #expect(try await Self.post(base + "/api/v2/log/entries", signer.hashedRekordV002Request(artifact: Array("a\(i)".utf8))).status == 201)
        }
        let flags = ["--trust-config", data + "/trust_config.json", "--log-url", base]
        let info = try sigil(["log", "info"] + flags)
        #expect(info.status == 0 && info.output.contains("(Rekor v2)") && info.output.contains("Tree size:  4"), "\(info.output)")
        let audit = try sigil(["log", "audit"] + flags)
        #expect(audit.status == 0 && audit.output.contains("Audit passed."), "\(audit.output)")
        let consistency = try sigil(["log", "consistency", "--from", "1"] + flags)
        #expect(consistency.status != 0 && consistency.output.contains("use `sigil log monitor`"), "\(consistency.output)")
    }
}
