import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Merkle
import NIOCore
import SigstoreKit
import TestSupport
import Testing
@testable import TransparencyLog

/// The Rekor v1 API through the router, in process.
@Suite struct LogAPITests {
    func withApp(_ log: TestLog, _ body: @escaping @Sendable (any TestClientProtocol, LogService) async throws -> Void) async throws {
        let service = try await log.service()
        let app = Application(router: buildLogRouter(service: service))
        try await app.test(.router) { client in try await body(client, service) }
    }

    static func post(_ client: some TestClientProtocol, _ path: String, _ body: [UInt8]) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(bytes: body))
    }

    /// The status of a GET, or 599 if the request itself failed.
    static func status(_ client: some TestClientProtocol, _ uri: String) async -> HTTPResponse.Status {
        (try? await client.execute(uri: uri, method: .get).status) ?? .init(code: 599)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    @Test func addedEntryVerifiesOffline() async throws {
        let log = try TestLog()
        let signer = TestSigner(email: "alice@example.com")
        try await withApp(log) { client, service in
            let response = try await Self.post(client, "/api/v1/log/entries", signer.randomHashedRekord().entry)
            #expect(response.status == .created)
            let entry = try Self.decode(RekorAPI.LogEntry.self, response)
            let (id, value) = try #require(entry.first)
            #expect(response.headers[.location] == "/api/v1/log/entries/\(id)")
            #expect(response.headers[.eTag] == String(id.suffix(64)))
            let verified = try LogEntryVerification.verify(value, entryID: id, logKey: log.key.verificationKey)
            #expect(verified.logIndex == 0)
            #expect(verified.checkpoint.treeSize == 1)
            #expect(service.treeHead.treeSize == 1)
        }
    }

    @Test func duplicateAnswers409WithTheExistingEntry() async throws {
        let log = try TestLog()
        let entry = TestSigner().randomHashedRekord().entry
        try await withApp(log) { client, service in
            let first = try await Self.post(client, "/api/v1/log/entries", entry)
            #expect(first.status == .created)
            let second = try await Self.post(client, "/api/v1/log/entries", entry)
            #expect(second.status == .conflict)
            #expect(second.headers[.location] == first.headers[.location])
            let conflict = try Self.decode(RekorAPI.ConflictBody.self, second)
            #expect(conflict.code == 409)
            let (id, value) = try #require(conflict.entry.first)
            #expect(value.logIndex == 0)
            _ = try LogEntryVerification.verify(value, entryID: id, logKey: log.key.verificationKey)
            #expect(service.treeHead.treeSize == 1)
        }
    }

    @Test(arguments: [
        ("not json", "{", HTTPResponse.Status.badRequest),
        ("wrong kind", #"{"apiVersion":"0.0.1","kind":"rekord","spec":{}}"#, .badRequest),
        ("wrong version", #"{"apiVersion":"9.9.9","kind":"hashedrekord","spec":{}}"#, .badRequest),
        ("array", "[]", .badRequest),
        ("empty", "", .badRequest),
    ])
    func malformedEntriesAreRejected(_ name: String, _ body: String, _ status: HTTPResponse.Status) async throws {
        let log = try TestLog()
        try await withApp(log) { client, service in
            let response = try await Self.post(client, "/api/v1/log/entries", Array(body.utf8))
            #expect(response.status == status, "\(name)")
            let error = try Self.decode(RekorAPI.ErrorBody.self, response)
            #expect(error.code == Int(status.code))
            #expect(!error.message.isEmpty)
            #expect(service.treeHead.treeSize == 0)
        }
    }

    @Test func tamperedEntriesAreRejectedAndNothingIsStored() async throws {
        let log = try TestLog()
        let signer = TestSigner()
        let valid = String(decoding: signer.randomHashedRekord().entry, as: UTF8.self)
        let otherDigest = String(repeating: "ab", count: 32)
        let badSignature = valid.replacingOccurrences(
            of: #""value":"[0-9a-f]{64}""#, with: "\"value\":\"\(otherDigest)\"", options: .regularExpression)
        let badBase64 = valid.replacingOccurrences(of: #""content":"M"#, with: #""content":"!M"#)
        let shortDigest = valid.replacingOccurrences(
            of: #""value":"[0-9a-f]{64}""#, with: "\"value\":\"abcd\"", options: .regularExpression)
        try await withApp(log) { client, service in
            for body in [badSignature, badBase64, shortDigest] {
                let response = try await Self.post(client, "/api/v1/log/entries", Array(body.utf8))
                #expect(response.status == .badRequest)
            }
            #expect(service.treeHead.treeSize == 0)
            #expect(try await log.openStore().entries(in: 0..<10).isEmpty)
        }
    }

    @Test func oversizedBodyIs413NamingTheLimit() async throws {
        let log = try TestLog { $0.maxRequestBytes = 1000 }
        try await withApp(log) { client, service in
            let response = try await Self.post(client, "/api/v1/log/entries", Array(repeating: UInt8(ascii: " "), count: 5000))
            #expect(response.status == .contentTooLarge)
            let error = try Self.decode(RekorAPI.ErrorBody.self, response)
            #expect(error.message.contains("1000"))
            #expect(service.treeHead.treeSize == 0)
        }
    }

    @Test func fullQueueAnswers503WithRetryAfter() async throws {
        let log = try TestLog { $0.sequencer = .init(queueCapacity: 1, maxBatchSize: 1) }
        let store = FaultyStore(try await log.openStore(sequencing: true))
        store.fault.withLock { $0 = .slow(.milliseconds(300)) }
        let service = try await log.service(store: store)
        let app = Application(router: buildLogRouter(service: service))
        let signer = TestSigner()
        try await app.test(.router) { client in
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await Self.post(client, "/api/v1/log/entries", signer.randomHashedRekord().entry) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let refused = responses.filter { $0.status == .serviceUnavailable }
            #expect(!refused.isEmpty)
            for response in refused {
                #expect(response.headers[.retryAfter] == "1")
                #expect(try Self.decode(RekorAPI.ErrorBody.self, response).message.contains("queue is full"))
            }
            let created = responses.filter { $0.status == .created }.count
            #expect(created + refused.count == 6)
            #expect(service.treeHead.treeSize == Int64(created))
        }
    }

    @Test func unknownIndexAndUUIDAre404() async throws {
        let log = try TestLog()
        try await withApp(log) { client, _ in
            #expect(await Self.status(client, "/api/v1/log/entries?logIndex=0") == .notFound)
            #expect(await Self.status(client, "/api/v1/log/entries?logIndex=-1") == .badRequest)
            #expect(await Self.status(client, "/api/v1/log/entries?logIndex=x") == .badRequest)
            let uuid = String(repeating: "0", count: 64)
            #expect(await Self.status(client, "/api/v1/log/entries/\(uuid)") == .notFound)
            #expect(await Self.status(client, "/api/v1/log/entries/nothex") == .badRequest)
        }
    }

    @Test func fetchByIndexUUIDAndBulk() async throws {
        let log = try TestLog()
        let signer = TestSigner()
        try await withApp(log) { client, _ in
            var ids: [String] = []
            var bodies: [[UInt8]] = []
            for _ in 0..<5 {
                let entry = signer.randomHashedRekord().entry
                bodies.append(entry)
                let response = try await Self.post(client, "/api/v1/log/entries", entry)
                ids.append(try #require(try Self.decode(RekorAPI.LogEntry.self, response).keys.first))
            }
            for (index, id) in ids.enumerated() {
                let byIndex = try Self.decode(RekorAPI.LogEntry.self, try await client.execute(uri: "/api/v1/log/entries?logIndex=\(index)", method: .get))
                #expect(byIndex.keys.first == id)
                for key in [id, String(id.suffix(64))] {
                    let byUUID = try Self.decode(RekorAPI.LogEntry.self, try await client.execute(uri: "/api/v1/log/entries/\(key)", method: .get))
                    let (gotID, value) = try #require(byUUID.first)
                    #expect(gotID == id)
                    // Proofs are against the current tree, not the one at insertion.
                    #expect(value.verification.inclusionProof.treeSize == 5)
                    _ = try LogEntryVerification.verify(value, entryID: gotID, logKey: log.key.verificationKey)
                }
            }
            let query = #"{"logIndexes":[4,0,99],"entryUUIDs":["\#(ids[2])"]}"#
            let bulk = try Self.decode([RekorAPI.LogEntry].self, try await Self.post(client, "/api/v1/log/entries/retrieve", Array(query.utf8)))
            #expect(bulk.compactMap(\.keys.first) == [ids[2], ids[4], ids[0]])
            let byContent = #"{"entries":[\#(String(decoding: bodies[3], as: UTF8.self))]}"#
            let found = try Self.decode([RekorAPI.LogEntry].self, try await Self.post(client, "/api/v1/log/entries/retrieve", Array(byContent.utf8)))
            #expect(found.compactMap(\.keys.first) == [ids[3]])
            let unknownField = try await Self.post(client, "/api/v1/log/entries/retrieve", Array(#"{"uuids":[]}"#.utf8))
            #expect(unknownField.status == .badRequest)
        }
    }

    @Test func treeInfoConsistencyProofAndPublicKey() async throws {
        let log = try TestLog()
        let signer = TestSigner()
        try await withApp(log) { client, _ in
            var roots: [Int64: Hash] = [:]
            for size in 1...9 {
                _ = try await Self.post(client, "/api/v1/log/entries", signer.randomHashedRekord().entry)
                let info = try Self.decode(RekorAPI.LogInfo.self, try await client.execute(uri: "/api/v1/log", method: .get))
                #expect(info.treeSize == Int64(size))
                #expect(info.treeID == "42")
                let checkpoint = try LogEntryVerification.verifyCheckpoint(info.signedTreeHead, logKey: log.key.verificationKey)
                #expect(checkpoint.rootHash.hex == info.rootHash)
                roots[Int64(size)] = checkpoint.rootHash
            }
            for first in 1...9 {
                for last in first...9 {
                    let proof = try Self.decode(RekorAPI.Proof.self, try await client.execute(uri: "/api/v1/log/proof?firstSize=\(first)&lastSize=\(last)", method: .get))
                    #expect(proof.rootHash == roots[Int64(last)]!.hex)
                    try ConsistencyProof(oldSize: Int64(first), newSize: Int64(last), hashes: proof.hashes.map { Hash(hex: $0)! })
                        .verify(oldRoot: roots[Int64(first)]!, newRoot: roots[Int64(last)]!)
                }
            }
            #expect(await Self.status(client, "/api/v1/log/proof?firstSize=5&lastSize=3") == .badRequest)
            #expect(await Self.status(client, "/api/v1/log/proof?firstSize=1&lastSize=10") == .badRequest)
            #expect(await Self.status(client, "/api/v1/log/proof") == .badRequest)
            let pem = try await client.execute(uri: "/api/v1/log/publicKey", method: .get)
            #expect(try VerificationKey(pem: String(buffer: pem.body)) == log.key.verificationKey)
            let checkpoint = try await client.execute(uri: "/api/v1/log/checkpoint?treeSize=4", method: .get)
            #expect(try LogEntryVerification.verifyCheckpoint(String(buffer: checkpoint.body), logKey: log.key.verificationKey).rootHash == roots[4])
        }
    }

    @Test func searchByHashIdentityAndKey() async throws {
        let log = try TestLog()
        let alice = TestSigner(email: "Alice@Example.com")
        let bob = TestSigner()
        try await withApp(log) { client, _ in
            let (artifact, entry) = alice.randomHashedRekord()
            let aliceID = try #require(try Self.decode(RekorAPI.LogEntry.self, try await Self.post(client, "/api/v1/log/entries", entry)).keys.first)
            let bobID = try #require(try Self.decode(RekorAPI.LogEntry.self, try await Self.post(client, "/api/v1/log/entries", bob.randomHashedRekord().entry)).keys.first)
            func search(_ query: String) async throws -> [String] {
                try Self.decode([String].self, try await Self.post(client, "/api/v1/index/retrieve", Array(query.utf8)))
            }
            let digest = SHA256Hex.of(artifact)
            #expect(try await search(#"{"hash":"sha256:\#(digest)"}"#) == [String(aliceID.suffix(64))])
            #expect(try await search(#"{"hash":"\#(digest.uppercased())"}"#) == [String(aliceID.suffix(64))])
            #expect(try await search(#"{"email":"alice@example.com"}"#) == [String(aliceID.suffix(64))])
            #expect(try await search(#"{"subject":"ALICE@example.com"}"#) == [String(aliceID.suffix(64))])
            let bobKey = Data(bob.publicKeyPEM.utf8).base64EncodedString()
            #expect(try await search(#"{"publicKey":{"format":"x509","content":"\#(bobKey)"}}"#) == [String(bobID.suffix(64))])
            #expect(try await search(#"{"email":"alice@example.com","publicKey":{"format":"x509","content":"\#(bobKey)"},"operator":"and"}"#) == [])
            #expect(Set(try await search(#"{"email":"alice@example.com","publicKey":{"format":"x509","content":"\#(bobKey)"}}"#)) ==
                    Set([String(aliceID.suffix(64)), String(bobID.suffix(64))]))
            for bad in [#"{}"#, #"{"hash":"md5:00"}"#, #"{"hash":"sha256:zz"}"#, #"{"foo":1}"#, #"{"operator":"xor","email":"a"}"#] {
                let response = try await Self.post(client, "/api/v1/index/retrieve", Array(bad.utf8))
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func tilesMatchTheTree() async throws {
        let log = try TestLog()
        let signer = TestSigner()
        try await withApp(log) { client, service in
            var leaves: [Hash] = []
            for _ in 0..<300 {
                let prepared = try RekorEntry.canonicalize(proposedEntry: signer.randomHashedRekord().entry)
                _ = try await service.sequencer.submit(PreparedEntry(body: prepared.body, kind: prepared.kind, searchKeys: []))
                leaves.append(RFC6962.leafHash(prepared.body))
            }
            let full = try await client.execute(uri: "/tile/0/000", method: .get)
            #expect(full.status == .ok)
            #expect(full.headers[.cacheControl]?.contains("immutable") == true)
            #expect(try Tiles.hashes(tileData: full.body.readableBytesView) == Array(leaves[0..<256]))
            let partial = try await client.execute(uri: "/tile/0/001.p/44", method: .get)
            #expect(try Tiles.hashes(tileData: partial.body.readableBytesView) == Array(leaves[256..<300]))
            let level1 = try await client.execute(uri: "/tile/1/000.p/1", method: .get)
            #expect(try Tiles.hashes(tileData: level1.body.readableBytesView) == [referenceRoot(leaves[0..<256])])
            let bundle = try await client.execute(uri: "/tile/entries/001.p/44", method: .get)
            let bodies = try Tiles.EntryBundle.decode(bundle.body.readableBytesView)
            #expect(bodies.map { RFC6962.leafHash($0) } == Array(leaves[256..<300]))
            for missing in ["/tile/0/001", "/tile/0/001.p/45", "/tile/2/000.p/1", "/tile/entries/002", "/tile/0/01", "/tile/x"] {
                #expect(await Self.status(client, missing) == .notFound, "\(missing)")
            }
            let checkpoint = try await client.execute(uri: "/checkpoint", method: .get)
            let parsed = try LogEntryVerification.verifyCheckpoint(String(buffer: checkpoint.body), logKey: log.key.verificationKey)
            #expect(parsed.rootHash == referenceRoot(leaves[...]))
        }
    }
}

/// Lowercase hex SHA-256, for building queries.
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        HashAlgorithm.sha256.digest(bytes).map { String(format: "%02x", $0) }.joined()
    }
}
