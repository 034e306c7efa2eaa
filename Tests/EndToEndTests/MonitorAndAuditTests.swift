import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing

/// The auditor commands against real servers: a monitor catches a rollback and a fork and names both
/// checkpoints; an audit recomputes the tree and catches a tampered entry.
@Suite struct MonitorAndAuditTests {
    static var sigilBinary: String {
        URL(fileURLWithPath: ServerProcess.binary).deletingLastPathComponent().appendingPathComponent("sigil").path
    }

    /// Runs the `sigil` CLI; returns its exit status and combined output.
    func sigil(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion(Self.sigilBinary, arguments)
    }

    func add(_ count: Int, to server: ServerProcess, signer: TestSigner) async throws {
        for _ in 0..<count { _ = try await server.client.add(proposedEntry: signer.randomHashedRekord().entry) }
    }

    func copyFolder(_ from: String, _ to: String) throws {
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    @Test(.timeLimit(.minutes(3)))
    func monitorDetectsRollbackAndFork() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data"), snapshot = directory.path("snapshot")
        let keyFile = directory.path("data/log-public-key.pem"), state = directory.path("monitor.json")
        try ServerProcess.initialise(data: data)
        let signer = TestSigner()

        var server = try await ServerProcess(data: data)
        try await add(5, to: server, signer: signer)
        server.stop()
        try copyFolder(data, snapshot)

        server = try await ServerProcess(data: data)
        try await add(3, to: server, signer: signer)
        let url = "http://127.0.0.1:\(server.port)"
        let first = try sigil(["log", "monitor", "--state", state, "--log-url", url, "--log-key", keyFile])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("size 8"))
        try await add(2, to: server, signer: signer)
        let grown = try sigil(["log", "monitor", "--state", state, "--log-url", url])
        #expect(grown.status == 0, "\(grown.output)")
        #expect(grown.output.contains("8 → 10"))
        server.stop()

        // The same log, served from an older copy: a rollback.
        let old = try await ServerProcess(data: snapshot)
        defer { old.stop() }
        let oldURL = "http://127.0.0.1:\(old.port)"
        let rollback = try sigil(["log", "monitor", "--state", state, "--log-url", oldURL])
        #expect(rollback.status != 0)
        #expect(rollback.output.contains("ROLLBACK"))
        #expect(rollback.output.contains("\n10\n") && rollback.output.contains("\n5\n"), "both checkpoints are shown")

        // The older copy grows differently past the monitored size: a fork.
        try await add(7, to: old, signer: signer)
        let fork = try sigil(["log", "monitor", "--state", state, "--log-url", oldURL])
        #expect(fork.status != 0)
        #expect(fork.output.contains("FORK"))
        #expect(fork.output.contains("\n10\n") && fork.output.contains("\n12\n"), "both checkpoints are shown")
        // The state file still holds the last good checkpoint.
        let saved = try JSONDecoder().decode(MonitorState.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
        #expect(saved.treeSize == 10)

        // A state edited by hand (a size its signed checkpoint does not name) is refused, not
        // "verified" and overwritten.
        for size: Int64 in [-1, 3] {
            var edited = saved
            edited.treeSize = size
            let bytes = try JSONEncoder().encode(edited)
            try bytes.write(to: URL(fileURLWithPath: state))
            let refused = try sigil(["log", "monitor", "--state", state, "--log-url", oldURL])
            #expect(refused.status != 0)
            #expect(refused.output.contains("are not those of its checkpoint"), "\(refused.output)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == bytes, "the state file is left as it was")
        }
        for arguments in [["--interval", "nan"], ["--interval", "inf"], ["--interval", "1e19"], ["--interval", "-1"], ["--count", "-5"]] {
            let refused = try sigil(["log", "monitor", "--state", state, "--log-url", oldURL] + arguments)
            #expect(refused.status == 64, "\(arguments): \(refused.output)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func auditRecomputesTheTreeAndCatchesTampering() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data"), keyFile = directory.path("data/log-public-key.pem")
        try ServerProcess.initialise(data: data)
        let signer = TestSigner()
        var server = try await ServerProcess(data: data)
        try await add(300, to: server, signer: signer)
        let good = try sigil(["log", "audit", "--json", "--log-url", "http://127.0.0.1:\(server.port)", "--log-key", keyFile])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("\"matches\" : true"))
        server.stop()

        // Rewrite one stored body behind the log's back.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE entries SET body = CAST('tampered' AS BLOB) WHERE idx = 200"); c.commit()
            """, directory.path("data/log.sqlite")]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)

        server = try await ServerProcess(data: data)
        defer { server.stop() }
        let bad = try sigil(["log", "audit", "--log-url", "http://127.0.0.1:\(server.port)", "--log-key", keyFile])
        #expect(bad.status != 0)
        #expect(bad.output.contains("AUDIT FAILED"))
    }
}
