import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Merkle
import NIOCore
import SigstoreKit
import TestSupport
import Testing
import WireFormat
@testable import TransparencyLog

/// The explorer's reads over the Rekor v2 log beside the v1 log: v2 entries are indexed under the
/// same search keys as v1 entries, searches page through both logs naming each entry's log, and
/// a v2 entry is read by log and index or UUID.
@Suite struct ExplorerV2Tests {
    func withApps(_ body: @escaping @Sendable (any TestClientProtocol, RekorV2Log, LogService) async throws -> Void) async throws {
        let v2 = try TestRekorV2Log()
        let service = try await TestLog().service()
        let log = try await v2.open()
        try await Application(router: buildLogRouter(service: service, rekorV2: log)).test(.router) { client in
            try await body(client, log, service)
        }
    }

    static func addV2(_ signer: TestSigner, _ artifact: [UInt8] = (0..<32).map { _ in .random(in: 0...255) },
                      to client: some TestClientProtocol) async throws {
        let response = try await RekorV2LogTests.post(client, signer.hashedRekordV002Request(artifact: artifact))
        #expect(response.status == .created)
    }

    static func get<T: Decodable>(_ type: T.Type, _ client: some TestClientProtocol, _ uri: String) async throws -> T {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
        return try ExplorerAPITests.json(T.self, response)
    }

    @Test func searchPagesThroughTheV2LogThenTheV1LogNamingEachEntrysLog() async throws {
        let alice = TestSigner(email: "Alice@Example.com"), bob = TestSigner(email: "bob@example.com")
        try await withApps { client, _, _ in
            try await ExplorerAPITests.add(2, by: alice, to: client)
            for signer in [alice, bob, alice, alice] { try await Self.addV2(signer, to: client) }
            func page(_ body: String) async throws -> EntryPage {
                try ExplorerAPITests.json(EntryPage.self, try await ExplorerAPITests.search(client, body))
            }
            let first = try await page(#"{"email":"alice@example.com","limit":2}"#)
            #expect(first.entries.map(\.log) == [.v2, .v2] && first.entries.map(\.logIndex) == [0, 2])
            #expect(first.next == 3 && first.nextLog == .v2)
            let second = try await page(#"{"email":"alice@example.com","limit":2,"log":"v2","from":3}"#)
            #expect(second.entries.map(\.log) == [.v2, .v1] && second.entries.map(\.logIndex) == [3, 0])
            #expect(second.next == 1 && second.nextLog == .v1)
            let last = try await page(#"{"email":"alice@example.com","limit":2,"log":"v1","from":1}"#)
            #expect(last.entries.map(\.log) == [.v1] && last.entries.map(\.logIndex) == [1])
            #expect(last.next == nil && last.nextLog == nil)
            // A page that ends exactly where the v2 log's results end still points at the v1 log's.
            let exact = try await page(#"{"email":"alice@example.com","limit":3}"#)
            #expect(exact.entries.map(\.logIndex) == [0, 2, 3] && exact.next == 0 && exact.nextLog == .v1)
            #expect(try await page(#"{"email":"bob@example.com"}"#).entries.map(\.logIndex) == [1])
            let unknownLog = try await ExplorerAPITests.search(client, #"{"email":"a@b","log":"v3"}"#)
            #expect(unknownLog.status == .badRequest)
        }
    }

    @Test func v2EntriesAreFoundByDigestAndByKey() async throws {
        let signer = TestSigner(email: "carol@example.com")
        try await withApps { client, _, _ in
            let artifact = Array("an artifact signed through Rekor v2".utf8)
            try await Self.addV2(signer, artifact, to: client)
            let digest = LowercaseHex.encode(Array(SHA256.hash(data: artifact)))
            let byHash = try ExplorerAPITests.json(EntryPage.self, try await ExplorerAPITests.search(client, "{\"hash\":\"sha256:\(digest)\"}"))
            #expect(byHash.entries.map(\.log) == [.v2] && byHash.entries.map(\.logIndex) == [0])
            let content = StrictBase64.encode(Array(signer.publicKeyPEM.utf8))
            let byKey = try ExplorerAPITests.json(EntryPage.self, try await ExplorerAPITests.search(client, "{\"publicKey\":{\"format\":\"x509\",\"content\":\"\(content)\"}}"))
            #expect(byKey.entries.map(\.log) == [.v2])
        }
    }

    /// An attestation posted as a `dsseRequestV002` is stored as the hashedrekord over its PAE and
    /// found by the digest of each file its statement is about, as a v1 dsse entry is.
    @Test func aV2AttestationIsFoundByItsSubjectsDigests() async throws {
        let signer = TestSigner(email: "grace@example.com")
        let file = Array(SHA256.hash(data: Array("app.tar".utf8)))
        try await withApps { client, log, _ in
            let request = signer.dsseV002Request(subjects: [("app.tar", file)])
            let response = try await RekorV2LogTests.post(client, request)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let entry = try BundleLogEntry(protoJSON: RekorV2LogTests.bytes(response))
            #expect(entry.kind == "hashedrekord" && entry.version == "0.0.2")
            let found = try ExplorerAPITests.json(EntryPage.self, try await ExplorerAPITests.search(client, "{\"hash\":\"sha256:\(LowercaseHex.encode(file))\"}"))
            #expect(found.entries.map(\.log) == [.v2] && found.entries.map(\.logIndex) == [0])
            #expect(found.entries.first.flatMap { StrictBase64.decode($0.body) } == entry.canonicalizedBody)
            // The same envelope sent as a hashedrekord is the same leaf: a duplicate.
            let hashedForm = try RekorV2EntryRequest(parsing: request)
            #expect(try await RekorV2LogTests.post(client, CanonicalJSON.encode(hashedForm.entry.requestJSON)).status == .conflict)
            #expect(log.treeHead.treeSize == 1)
        }
    }

    @Test func aV2EntryIsReadByIndexOrUUIDAndUnknownOnesAnswer404() async throws {
        let signer = TestSigner(email: "dave@example.com")
        try await withApps { client, log, _ in
            try await Self.addV2(signer, to: client)
            let entry = try await Self.get(EntrySummary.self, client, "/api/v1/explorer/entry?log=v2&index=0")
            #expect(entry.log == .v2 && entry.logIndex == 0 && entry.kind == "hashedrekord")
            let body = try JSONValue(parsing: try #require(StrictBase64.decode(entry.body)))
            #expect(body["apiVersion"] == "0.0.2" && body["spec"]?["hashedRekordV002"] != nil)
            #expect(LowercaseHex.encode(Array(SHA256.hash(data: [0] + (StrictBase64.decode(entry.body) ?? [])))) == entry.uuid)
            let byUUID = try await Self.get(EntrySummary.self, client, "/api/v1/explorer/entry?log=v2&uuid=\(entry.uuid)")
            #expect(byUUID == entry)
            // The v1 log is another tree: it has no entry 0.
            #expect(try await client.execute(uri: "/api/v1/explorer/entry?log=v1&index=0", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/explorer/entry?log=v2&index=1", method: .get).status == .notFound)
            for bad in ["log=v2", "log=v2&index=-1", "log=v2&index=0&uuid=\(entry.uuid)", "log=v2&uuid=zz", "log=v9&index=0"] {
                let response = try await client.execute(uri: "/api/v1/explorer/entry?\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
            }
            let recent = try await Self.get(RecentEntries.self, client, "/api/v1/explorer/recent?log=v2")
            #expect(recent.treeSize == 1 && recent.entries == [entry])
            let activity = try await Self.get(ActivityHistogram.self, client, "/api/v1/explorer/activity?log=v2&hours=24")
            #expect(activity.counts.reduce(0, +) == 1)
            let history = try await Self.get(CheckpointHistory.self, client, "/api/v1/explorer/checkpoints?log=v2")
            #expect(history.checkpoints.map(\.treeSize) == [1, 0])
            #expect(history.checkpoints.first?.note == log.treeHead.checkpoint)
        }
    }

    @Test func logsNameTheV2LogsTilesOriginAndKey() async throws {
        try await withApps { client, log, _ in
            let logs = try await Self.get(ExplorerLogs.self, client, "/api/v1/explorer/logs")
            let v2 = try #require(logs.v2)
            #expect(v2.basePath == RekorV2Log.basePath && v2.origin == "127.0.0.1")
            #expect(v2.publicKey == log.publicKey.pem && v2.keyID == LowercaseHex.encode(log.keyID.bytes))
        }
        let service = try await TestLog().service()
        try await Application(router: buildLogRouter(service: service)).test(.router) { client in
            #expect(try await Self.get(ExplorerLogs.self, client, "/api/v1/explorer/logs").v2 == nil)
            let response = try await ExplorerAPITests.search(client, #"{"email":"a@b","log":"v2"}"#)
            #expect(response.status == .badRequest)
        }
    }

    /// Entries a v2 log stored before it recorded search keys are still read; they are only not found by search.
    @Test func v2EntriesStoredWithoutSearchKeysStayReadable() async throws {
        let signer = TestSigner(email: "erin@example.com")
        try await withApps { client, log, _ in
            let entry = try HashedRekordV002(request: signer.hashedRekordV002Request(artifact: Array("old".utf8)))
            _ = try await log.sequencer.submit(PreparedEntry(body: entry.canonicalBody, kind: HashedRekordV002.kind, searchKeys: []))
            let read = try await Self.get(EntrySummary.self, client, "/api/v1/explorer/entry?log=v2&index=0")
            #expect(StrictBase64.decode(read.body) == entry.canonicalBody)
            let found = try ExplorerAPITests.json(EntryPage.self, try await ExplorerAPITests.search(client, #"{"email":"erin@example.com"}"#))
            #expect(found.entries.isEmpty)
        }
    }
}

/// The keys a hashedrekord 0.0.2 entry is indexed under: those of the v1 entry for the same signature.
@Suite struct HashedRekordV002SearchKeyTests {
    @Test func keysMatchTheV1EntrysKeys() throws {
        let signer = TestSigner(email: "Frank@Example.com")
        let artifact = Array("same signature, both logs".utf8)
        let v2 = try HashedRekordV002(request: signer.hashedRekordV002Request(artifact: artifact))
        let v1 = try RekorEntry.canonicalize(proposedEntry: signer.hashedRekord(artifact: artifact))
        #expect(v2.searchKeys == v1.searchKeys)
        #expect(v2.searchKeys.identities == ["frank@example.com"])
        let bare = try HashedRekordV002(request: TestSigner().hashedRekordV002Request(artifact: artifact))
        #expect(bare.searchKeys.identities.isEmpty && bare.searchKeys.publicKeyFingerprints.count == 1)
    }
}
