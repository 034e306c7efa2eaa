import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing
@testable import TransparencyLog

/// Reads while PostgreSQL is down are answered 503 with Retry-After, the way a refused append is,
/// never a bare 500; once the server is back, the same reads succeed without a restart.
@Suite(.enabled(if: TemporaryPostgres.available, Comment(rawValue: TemporaryPostgres.skipReason)))
struct PostgresOutageTests {
    @Test func readsDuringAnOutageAnswer503AndRecover() async throws {
        // Its own server: stopping the shared one would fail every other PostgreSQL test running.
        // Starting and stopping it block for seconds, so they run off Swift's cooperative pool,
        // whose two threads every other test of the suite is waiting on.
        let server = try await offCooperativePool { try TemporaryPostgres.dedicated() }
        let log = try await offCooperativePool { try PostgresTestLog(server: server) }
        let store = try await log.openStore(try await log.connect())
        store.setFence(try await store.acquireLease(holder: "test", duration: .seconds(600)))
        let service = try await log.service(store: store)
        let signer = TestSigner(email: "carol@example.com")
        _ = try await service.add(proposedEntry: signer.randomHashedRekord().entry)
        let reads = ["/api/v1/log/entries?logIndex=0", "/api/v1/log/checkpoint?treeSize=1"]
        let app = Application(router: buildLogRouter(service: service))
        try await app.test(.router) { client in
            for uri in reads { #expect(try await client.execute(uri: uri, method: .get).status == .ok, "\(uri) before the outage") }

            try await offCooperativePool { try server.stop() }
            for uri in reads {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .serviceUnavailable, "\(uri) during the outage")
                #expect(response.headers[.retryAfter] == "1")
                let message = String(buffer: response.body)
                #expect(message.contains("the log's database is unavailable; retry shortly"), "\(message)")
                #expect(!message.contains("127.0.0.1") && !message.contains("\(server.port)"), "\(message)")
            }

            try await offCooperativePool { try server.start() }
            // The pool reconnects on its own, with backoff.
            let deadline = ContinuousClock.now + .seconds(60)
            var status = HTTPResponse.Status.serviceUnavailable
            while status != .ok, ContinuousClock.now < deadline {
                status = try await client.execute(uri: reads[0], method: .get).status
                if status != .ok { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(status == .ok, "after the server came back")

            // A database that answers, but not with what the log needs, is the log's fault: 500.
            _ = try await offCooperativePool { try server.psql(log.databaseName, "DROP TABLE rekor_checkpoints") }
            #expect(try await client.execute(uri: reads[1], method: .get).status == .internalServerError)
        }
        try store.close()
        try await offCooperativePool { try server.stop() }
    }

    @Test func onlyFailuresThatPassCountAsAnOutage() {
        #expect(PostgresDatabase.isOutage(PostgresDatabase.Failure("reading: no answer", isUnanswered: true)))
        #expect(!PostgresDatabase.isOutage(PostgresDatabase.Failure("checkpoint 3 root hash is not 32 bytes")))
        #expect(!PostgresDatabase.isOutage(LogError(.notFound, "no entry")))
    }
}
