import Foundation
import SigilClient
import SigstoreKit
import Synchronization
import TestSupport
import Testing
import WireFormat

/// What an operator relies on: health and readiness, Prometheus metrics, one secret-free JSON log
/// line per request, TLS, and a graceful shutdown that commits what was queued and closes the database.
@Suite struct OperationsTests {
    let directory = TemporaryDirectory()

    func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion("/usr/bin/curl", ["-s", "--max-time", "10"] + arguments)
    }

    @Test func healthReadinessAndMetricsOnTheLog() async throws {
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let server = try await ServerProcess(data: data)
        defer { server.stop() }
        #expect(try curl([server.url + "/healthz"]).output == "ok")
        let ready = try JSONValue(parsing: Array(try curl(["-f", server.url + "/readyz"]).output.utf8))
        #expect(ready["status"] == .string("ready"))
        for check in ["keys", "database", "sequencer", "ctDatabase", "ctSequencer", "rekorV2Database", "rekorV2Sequencer"] {
            #expect(ready["checks"]?[check] == .string("ok"), "\(check)")
        }
        let signer = TestSigner()
        for _ in 0..<3 { _ = try await server.client.add(proposedEntry: signer.randomHashedRekord().entry) }
        let metrics = try curl([server.url + "/metrics"]).output
        #expect(metrics.contains(#"sigil_log_tree_size{log="rekor"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"sigil_log_batch_entries_count{log="rekor"}"#))
        #expect(metrics.contains(#"sigil_log_commit_seconds_count{log="rekor"} 3"#))
        #expect(metrics.contains(#"http_server_request_duration_bucket{http_route="/api/v1/log/entries",http_request_method="POST",http_response_status_code="201""#),
                "\(metrics)")
        #expect(metrics.contains(#"hb_requests{http_route="/api/v1/log/entries",http_request_method="POST",http_response_status_code="201"} 3"#))
    }

    @Test func caCountsTokenRejectionsByReasonAndNeverLogsTheToken() async throws {
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let errorLog = directory.path("ca.log")
        let server = try await ServerProcess(data: data, command: "ca", errorLog: errorLog)
        defer { server.stop() }
        let secret = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViamVjdCJ9.c2VjcmV0LXNpZ25hdHVyZQ"
        let publicKey = SigningKey.generateP256().verificationKey.pem.replacingOccurrences(of: "\n", with: "\\n")
        let body = #"{"credentials":{"oidcIdentityToken":"\#(secret)"},"publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":"\#(publicKey)"},"proofOfPossession":"eA=="}}"#
        let answer = try curl(["-w", "%{http_code}", "-H", "Content-Type: application/json", "-H", "Authorization: Bearer \(secret)",
                               "--data", body, server.url + "/api/v2/signingCert?token=\(secret)"])
        #expect(answer.output.hasSuffix("400"), "\(answer.output)")
        let metrics = try curl([server.url + "/metrics"]).output
        #expect(metrics.contains(#"sigil_ca_token_rejections_total{reason="algorithm_not_allowed"} 1"#), "\(metrics)")
        #expect(try JSONValue(parsing: Array(try curl([server.url + "/readyz"]).output.utf8))["status"] == .string("ready"))

        let lines = try String(contentsOfFile: errorLog, encoding: .utf8).split(separator: "\n")
        let requests = try lines.map { try JSONValue(parsing: Array($0.utf8)) }.filter { $0["message"] == .string("request") }
        let signing = try #require(requests.first { $0["route"] == .string("/api/v2/signingCert") })
        #expect(signing["status"] == .integer(400) && signing["method"] == .string("POST"))
        #expect(signing["path"] == .string("/api/v2/signingCert"))
        for line in lines {
            #expect(!line.contains("eyJ") && !line.contains("c2VjcmV0"), "token material in a log line: \(line)")
        }
    }

    @Test func tlsFromConfiguredCertificateAndKey() async throws {
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let certificate = directory.path("tls.pem"), key = directory.path("tls.key")
        let made = try runToCompletion("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate])
        try #require(made.status == 0, "\(made.output)")
        let config = directory.path("oidc.json")
        try #"{"tls": {"certificate": "\#(certificate)", "key": "\#(key)"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        // Listening on all interfaces is allowed once TLS is on.
        let server = try await ServerProcess(data: data, command: "oidc", extraArguments: ["--config", config, "--host", "0.0.0.0"],
                                             tls: true)
        defer { server.stop() }
        let secure = try curl(["-f", "--cacert", certificate, "https://127.0.0.1:\(server.port)/.well-known/openid-configuration"])
        #expect(secure.status == 0 && secure.output.contains("\"issuer\""), "\(secure.output)")
        let plain = try curl(["-f", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(plain.status != 0, "plain HTTP must not be served on a TLS port")
        let untrusted = try curl(["-f", "https://127.0.0.1:\(server.port)/healthz"])
        #expect(untrusted.status != 0, "an untrusted certificate must fail verification")
    }

    @Test func allOnOtherPortsInitialisesTrustFilesAndIssuersForThem() async throws {
        let data = directory.path("data")
        let base = try FreePort.consecutive(4)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        process.arguments = ["all", "--data", data, "--ca-config", InitTests.caConfig]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "SIGIL_OIDC_PORT": String(base), "SIGIL_CA_PORT": String(base + 1), "SIGIL_LOG_PORT": String(base + 2),
            "SIGIL_TSA_PORT": String(base + 3),
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var ready = false
        for _ in 0..<150 where !ready {
            ready = try curl(["-f", "http://127.0.0.1:\(base + 1)/readyz"]).status == 0 && curl(["-f", "http://127.0.0.1:\(base + 2)/readyz"]).status == 0
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(ready)
        let trust = try ClientTrustConfig(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trust_config.json"))))
        #expect(trust.signingConfig.caURLs.first?.url == "http://127.0.0.1:\(base + 1)")
        #expect(trust.signingConfig.rekorTlogURLs.first?.url == "http://127.0.0.1:\(base + 2)")
        let issuers = try String(contentsOfFile: data + "/ca/issuers.json", encoding: .utf8)
        #expect(issuers.contains("\"http://127.0.0.1:\(base)\"") && issuers.contains("\"http://127.0.0.1:\(base)/actions\""))
        // And it signs: the CA trusts this issuer and submits to this CT log.
        let token = try JSONValue(parsing: Array(try curl(["-f", "-X", "POST", "-d", "subject=a@example.com&email=a@example.com",
                                                           "http://127.0.0.1:\(base)/token"]).output.utf8))["id_token"]?.stringValue
        let artifact = directory.path("a.txt")
        try "artifact".write(toFile: artifact, atomically: true, encoding: .utf8)
        let sigil = URL(fileURLWithPath: ServerProcess.binary).deletingLastPathComponent().appendingPathComponent("sigil").path
        let signed = try runToCompletion(sigil, ["sign-blob", artifact, "--trust-config", data + "/trust_config.json",
                                                 "--identity-token", try #require(token)])
        #expect(signed.status == 0, "\(signed.output)")
        // The CA handed the precertificate to its CT log in this process; the log holds it.
        let head = try JSONValue(parsing: Array(try curl(["-f", "http://127.0.0.1:\(base + 2)/ct/v1/get-sth"]).output.utf8))
        #expect(head["tree_size"]?.integerValue == 1, "\(head)")
        // A monitor that follows the trusted root finds the same tree head at `<ctlogs[].baseUrl>/ct/v1/get-sth`.
        let ctBase = try #require(trust.trustedRoot.ctlogs.first?.baseURL)
        let followed = try curl(["-f", ctBase + "/ct/v1/get-sth"])
        #expect(followed.status == 0, "\(ctBase): \(followed.output)")
        #expect(try JSONValue(parsing: Array(followed.output.utf8))["tree_size"]?.integerValue == 1)
        // `--rekor-version 2`: the same stack's Rekor v2 log and TSA, as the signing config lists them.
        let v2Bundle = directory.path("a.v2.sigstore.json")
        let v2 = try runToCompletion(sigil, ["sign-blob", artifact, "--trust-config", data + "/trust_config.json", "--rekor-version", "2",
                                             "--identity-token", try #require(token), "--bundle", v2Bundle])
        #expect(v2.status == 0 && v2.output.contains("Rekor v2 log index 1, timestamp "), "the default sign above went through v2 too: \(v2.output)")
        let written = try SigstoreBundle(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: v2Bundle))))
        #expect(written.verificationMaterial.rfc3161Timestamps.count == 1)
        let v2Entry = try #require(written.verificationMaterial.tlogEntries.first)
        #expect(v2Entry.version == "0.0.2" && v2Entry.inclusionPromise == nil && v2Entry.integratedTime == 0)
        #expect(v2Entry.logID == trust.trustedRoot.tlogs.last?.logID)
    }

    @Test(.timeLimit(.minutes(2)))
    func sigtermCommitsQueuedEntriesAndClosesTheDatabase() async throws {
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let errorLog = directory.path("log.log")
        // A batch period keeps entries queued long enough for SIGTERM to arrive while they wait.
        // The margins are wide: on a loaded 2-core CI runner the eight requests once took more
        // than 700 ms to arrive, and one that comes after SIGTERM is (rightly) refused.
        let config = directory.path("log.json")
        try #"{"batchPeriodMilliseconds": 6000}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(data: data, extraArguments: ["--config", config], errorLog: errorLog)
        let signer = TestSigner()
        let acknowledged = AcknowledgedIDs()
        let client = server.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    if let (id, _, _) = try? await client.add(proposedEntry: signer.randomHashedRekord().entry) {
                        acknowledged.ids.withLock { $0.append(id) }
                    }
                }
            }
            // Every request has arrived well before the batch period ends and the batch commits.
            try await Task.sleep(for: .milliseconds(3000))
            kill(server.process.processIdentifier, SIGTERM)
            try await group.waitForAll()
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let log = try String(contentsOfFile: errorLog, encoding: .utf8)
        #expect(log.contains(#""log":"transparency log","logger":"sigil.log","message":"flushed and closed""#), "\(log)")
        let wal = (try? FileManager.default.attributesOfItem(atPath: data + "/log.sqlite-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the WAL is checkpointed into the database on close")

        let ids = acknowledged.ids.withLock { $0 }
        #expect(ids.count == 8, "entries queued before SIGTERM are committed and answered")
        let restarted = try await ServerProcess(data: data)
        defer { restarted.stop() }
        for id in ids { _ = try await restarted.client.entry(uuid: id) }
    }
}

/// Entry IDs the load tasks saw acknowledged.
final class AcknowledgedIDs: Sendable {
    let ids = Mutex<[String]>([])
}
