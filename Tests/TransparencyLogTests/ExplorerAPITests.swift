import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SigstoreKit
import TestSupport
import WireFormat
import Testing
@testable import TransparencyLog

/// The explorer's page and its reads (`/explorer/`, `/api/v1/explorer/…`) through the router.
@Suite struct ExplorerAPITests {
    func withApp(_ log: TestLog, _ body: @escaping @Sendable (any TestClientProtocol, LogService) async throws -> Void) async throws {
        let service = try await log.service()
        let app = Application(router: buildLogRouter(service: service))
        try await app.test(.router) { client in try await body(client, service) }
    }

    static func json<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    static func search(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/explorer/search", method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(string: body))
    }

    /// Adds `count` entries signed by `signer`, in order.
    static func add(_ count: Int, by signer: TestSigner, to client: some TestClientProtocol) async throws {
        for _ in 0..<count {
            let response = try await LogAPITests.post(client, "/api/v1/log/entries", signer.randomHashedRekord().entry)
            #expect(response.status == .created)
        }
    }

    @Test func pageAndAssetsAreServedWithAContentSecurityPolicy() async throws {
        try await withApp(try TestLog()) { client, _ in
            let page = try await client.execute(uri: "/explorer/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"))
            #expect(String(buffer: page.body).contains("/explorer/app.js"))
            let script = try await client.execute(uri: "/explorer/app.js", method: .get)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let etag = try #require(script.headers[.eTag])
            let again = try await client.execute(uri: "/explorer/app.js", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await client.execute(uri: "/explorer", method: .get).status == .ok)
            let landing = try await client.execute(uri: "/", method: .get)
            #expect(String(buffer: landing.body).contains("href=\"/explorer/\""))
            #expect(try await client.execute(uri: "/explorer/../Package.swift", method: .get).status != .ok)
            #expect(try await client.execute(uri: "/explorer/nope.js", method: .get).status == .notFound)
        }
    }

    /// A server whose resource bundle is missing answers 404 naming it, instead of stopping the process.
    @Test func withoutItsFilesTheExplorerAnswers404NamingThem() async throws {
        let router = Router(context: BasicRequestContext.self)
        ExplorerController(assets: nil).addRoutes(to: router)
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/explorer/", method: .get)
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body).contains("not installed"))
        }
    }

    @Test func assetsStayWithinTheBudget() throws {
        let assets = try #require(ExplorerAssets.load())
        #expect(assets.totalBytes <= 150_000, "the explorer's files are \(assets.totalBytes) bytes")
        // Nothing in the page parses log data as HTML.
        for (name, file) in assets.files where name.hasSuffix(".js") {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(!text.contains(".innerHTML") && !text.contains("insertAdjacentHTML") && !text.contains("document.write"), "\(name)")
        }
    }

    @Test func searchPagesThroughAnIdentitysEntries() async throws {
        let alice = TestSigner(email: "Alice@Example.com"), bob = TestSigner(email: "bob@example.com")
        try await withApp(try TestLog()) { client, _ in
            try await Self.add(5, by: alice, to: client)
            try await Self.add(1, by: bob, to: client)
            try await Self.add(2, by: alice, to: client)
            let first = try Self.json(EntryPage.self, try await Self.search(client, #"{"email":"alice@example.com","limit":3}"#))
            #expect(first.entries.map(\.logIndex) == [0, 1, 2])
            #expect(first.next == 3)
            let second = try Self.json(EntryPage.self, try await Self.search(client, #"{"email":"alice@example.com","limit":3,"from":3}"#))
            #expect(second.entries.map(\.logIndex) == [3, 4, 6])
            #expect(second.next == 7)
            let last = try Self.json(EntryPage.self, try await Self.search(client, #"{"email":"alice@example.com","limit":3,"from":7}"#))
            #expect(last.entries.map(\.logIndex) == [7])
            #expect(last.next == nil)
            #expect(last.entries[0].kind == "hashedrekord")
            #expect(last.entries[0].uuid.count == 64)
        }
    }

    @Test func searchByDigestAndByKeyFindsTheEntry() async throws {
        let signer = TestSigner()
        try await withApp(try TestLog()) { client, _ in
            let (artifact, entry) = signer.randomHashedRekord()
            #expect(try await LogAPITests.post(client, "/api/v1/log/entries", entry).status == .created)
            let digest = LowercaseHex.encode(Array(SHA256.hash(data: artifact)))
            let byHash = try Self.json(EntryPage.self, try await Self.search(client, "{\"hash\":\"sha256:\(digest)\"}"))
            #expect(byHash.entries.map(\.logIndex) == [0])
            let content = StrictBase64.encode(Array(signer.publicKeyPEM.utf8))
            let byKey = try Self.json(EntryPage.self, try await Self.search(client, "{\"publicKey\":{\"format\":\"x509\",\"content\":\"\(content)\"}}"))
            #expect(byKey.entries.map(\.logIndex) == [0])
            let none = try Self.json(EntryPage.self, try await Self.search(client, "{\"hash\":\"\(String(repeating: "0", count: 64))\"}"))
            #expect(none.entries.isEmpty && none.next == nil)
        }
    }

    @Test(arguments: [
        #"{}"#, #"{"email":"a@b","hash":"sha256:00"}"#, #"{"email":""}"#, #"{"hash":"not-a-digest"}"#,
        #"{"email":"a@b","limit":0}"#, #"{"email":"a@b","limit":101}"#, #"{"email":"a@b","from":-1}"#,
        #"{"email":"a@b","colour":"red"}"#, #"[1]"#, "not json",
    ])
    func badSearchesAnswer400WithAMessage(_ body: String) async throws {
        try await withApp(try TestLog()) { client, _ in
            let response = try await Self.search(client, body)
            #expect(response.status == .badRequest, "\(body)")
            let error = try Self.json(RekorAPI.ErrorBody.self, response)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func recentEntriesAndCheckpointHistoryAreNewestFirst() async throws {
        let signer = TestSigner(email: "carol@example.com")
        let log = try TestLog()
        try await withApp(log) { client, service in
            try await Self.add(4, by: signer, to: client)
            let recent = try Self.json(RecentEntries.self, try await client.execute(uri: "/api/v1/explorer/recent?limit=3", method: .get))
            #expect(recent.treeSize == 4)
            #expect(recent.entries.map(\.logIndex) == [3, 2, 1])
            let history = try Self.json(CheckpointHistory.self, try await client.execute(uri: "/api/v1/explorer/checkpoints?limit=2", method: .get))
            #expect(history.checkpoints.map(\.treeSize) == [4, 3])
            let verifier = LogKeyNoteSigner(name: "test-log", key: log.key).verifier
            let latest = try SignedCheckpoint(parsing: history.checkpoints[0].note, verifiers: [verifier])
            #expect(latest.checkpoint.treeSize == 4)
            #expect(history.checkpoints[0].note == service.treeHead.checkpoint)
            #expect(try await client.execute(uri: "/api/v1/explorer/recent?limit=0", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/explorer/checkpoints?limit=x", method: .get).status == .badRequest)
        }
    }

    @Test func activityCountsTodaysEntries() async throws {
        let signer = TestSigner()
        try await withApp(try TestLog()) { client, _ in
            try await Self.add(3, by: signer, to: client)
            let activity = try Self.json(ActivityHistogram.self, try await client.execute(uri: "/api/v1/explorer/activity?hours=24", method: .get))
            #expect(activity.counts.count == 24)
            #expect(activity.counts.last == 3 || activity.counts.suffix(2).reduce(0, +) == 3)
            #expect(activity.counts.reduce(0, +) == 3)
            #expect(try await client.execute(uri: "/api/v1/explorer/activity?hours=721", method: .get).status == .badRequest)
        }
    }
}

/// ``ActivityHistogram`` over made-up times: buckets by binary search agree with counting one by one.
@Suite struct ActivityHistogramTests {
    @Test(arguments: [0, 1, 7, 100, 1_000])
    func bucketsMatchANaiveCount(size: Int) async throws {
        // Non-decreasing times spread over 10 hours, several entries per second at times.
        let base: Int64 = 1_700_000_000
        let times = (0..<size).map { base + Int64($0) * 36_000 / Int64(max(size, 1)) }
        let now = base + 36_000
        let histogram = try await ActivityHistogram.count(treeSize: Int64(size), now: now, bucketSeconds: 3600, buckets: 12) { times[Int($0)] }
        var naive = [Int64](repeating: 0, count: 12)
        for t in times where t >= histogram.start {
            let k = Int((t - histogram.start) / 3600)
            if k < 12 { naive[k] += 1 }
        }
        #expect(histogram.counts == naive)
        #expect(histogram.start % 3600 == 0)
        #expect(histogram.start + 12 * 3600 > now)
    }
}
