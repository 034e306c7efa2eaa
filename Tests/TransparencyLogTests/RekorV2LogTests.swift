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

/// A Rekor v2 log over a fresh SQLite file, served beside a v1 log as `sigil-server log` serves it.
struct TestRekorV2Log {
    let directory = TemporaryDirectory()
    let key: SigningKey
    let origin: String
    var configuration = LogConfiguration()

    init(key: SigningKey = .generateEd25519(), origin: String = "127.0.0.1", configure: (inout LogConfiguration) -> Void = { _ in }) throws {
        self.key = key
        self.origin = origin
        configure(&configuration)
        _ = try RekorV2Log.createStore(path: databasePath, signingKey: key, origin: origin)
    }

    var databasePath: String { directory.path("rekor-v2.sqlite") }

    func open() async throws -> RekorV2Log {
        try await RekorV2Log(store: try await TestStorage.openStore(templatePath: databasePath, log: "rekor_v2"), signingKey: key, configuration: configuration)
    }

    var keyID: NoteKeyID { NoteKeyID(rekorV2Origin: origin, key: key.verificationKey) }

    /// The log as a trusted root lists it.
    var instance: TransparencyLogInstance {
        TransparencyLogInstance(baseURL: "http://\(origin):3000\(RekorV2Log.basePath)", key: key.verificationKey, keyDetails: "PKIX_ED25519",
                                validFor: TimeRange(start: Date(timeIntervalSince1970: 0)), logID: keyID.bytes)
    }
}

/// One artifact signed with a P-256 key: the digest and the signature both logs record.
struct SignedArtifact: Sendable {
    let key: P256.Signing.PrivateKey
    let artifact: [UInt8]
    let digest: [UInt8]
    let signature: [UInt8]

    init(key: P256.Signing.PrivateKey = .init(), artifact: [UInt8] = (0..<32).map { _ in .random(in: 0...255) }) {
        self.key = key
        self.artifact = artifact
        let digest = SHA256.hash(data: artifact)
        self.digest = Array(digest)
        signature = Array(try! key.signature(for: digest).derRepresentation)
    }

    var verificationKey: VerificationKey { try! VerificationKey(spkiDER: key.publicKey.derRepresentation) }

    /// The v2 request, as sigstore-python sends it, with the bare public key as verifier.
    var v2Request: [UInt8] {
        let entry = try! HashedRekordV002(digest: digest, signature: signature, verifier: .publicKey(der: Array(key.publicKey.derRepresentation)),
                                          keyDetails: .ecdsaP256SHA256)
        return CanonicalJSON.encode(entry.requestJSON)
    }

    var v1Proposal: [UInt8] {
        ProposedEntries.hashedRekord(signature: signature, publicKeyPEM: key.publicKey.pemRepresentation + "\n", digest: digest)
    }
}

@Suite struct RekorV2LogTests {
    static let entries = RekorV2Log.basePath + "/api/v2/log/entries"

    func withApp(_ v2: TestRekorV2Log, v1: TestLog? = nil,
                 _ body: @escaping @Sendable (any TestClientProtocol, RekorV2Log, LogService) async throws -> Void) async throws {
        let v1 = try v1 ?? TestLog()
        let service = try await v1.service()
        let log = try await v2.open()
        let app = Application(router: buildLogRouter(service: service, rekorV2: log))
        try await app.test(.router) { client in try await body(client, log, service) }
    }

    static func post(_ client: some TestClientProtocol, _ body: [UInt8], path: String = entries) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
    }

    static func bytes(_ response: TestResponse) -> [UInt8] { Array(response.body.readableBytesView) }

    // MARK: The answer

    @Test func createAnswers201WithATransparencyLogEntryInProtobufJSON() async throws {
        let v2 = try TestRekorV2Log()
        let signed = SignedArtifact()
        try await withApp(v2) { client, log, v1 in
            let response = try await Self.post(client, signed.v2Request)
            #expect(response.status == .created)
            let json = try JSONValue(parsing: Self.bytes(response))
            // int64 as strings, the full key ID, hashedrekord 0.0.2, no inclusion promise, integratedTime 0.
            #expect(json["logIndex"] == "0")
            #expect(json["logId"]?["keyId"]?.stringValue == StrictBase64.encode(v2.keyID.bytes))
            #expect(json["kindVersion"] == ["kind": "hashedrekord", "version": "0.0.2"])
            #expect(json["integratedTime"] == "0")
            #expect(json["inclusionPromise"] == nil)
            let proof = try #require(json["inclusionProof"])
            #expect(proof["logIndex"] == "0" && proof["treeSize"] == "1" && proof["hashes"] == [])
            let checkpoint = try #require(proof["checkpoint"]?["envelope"]?.stringValue)
            #expect(checkpoint == log.treeHead.checkpoint)
            #expect(checkpoint.hasPrefix("127.0.0.1\n1\n"))
            let body = try #require(json["canonicalizedBody"]?.stringValue.flatMap(StrictBase64.decode))
            #expect(body == (try HashedRekordV002(request: signed.v2Request)).canonicalBody)
            #expect(try JSONValue(parsing: body)["spec"]?["hashedRekordV002"] != nil)
            // Bundles read it as strictly as any other log entry.
            let entry = try BundleLogEntry(protoJSON: Self.bytes(response))
            #expect(entry.logIndex == 0 && entry.inclusionPromise == nil && entry.integratedTime == 0)
            // The v1 log is a separate tree.
            #expect(v1.treeHead.treeSize == 0 && log.treeHead.treeSize == 1)
        }
    }

    /// The answer, put in a v0.3 bundle, verifies offline with Sigil's `BundleVerifier` as a Rekor
    /// v2 entry: body, inclusion proof, checkpoint signed under the base URL's host name with the
    /// C2SP key ID. A v2 entry carries no time, so the bundle also holds the same signature's
    /// Rekor v1 entry, whose SET supplies the signing time (in production: an RFC 3161 timestamp).
    @Test func theAnswerVerifiesInABundleWithBundleVerifier() async throws {
        let v2 = try TestRekorV2Log()
        let v1Log = try TestLog()
        let signed = SignedArtifact()
        try await withApp(v2, v1: v1Log) { client, _, v1 in
            let response = try await Self.post(client, signed.v2Request)
            #expect(response.status == .created)
            let v2Entry = try BundleLogEntry(protoJSON: Self.bytes(response))
            let (view, _) = try await v1.add(proposedEntry: signed.v1Proposal)
            let v1Entry = BundleLogEntry(
                logIndex: view.entry.index, logID: v1Log.key.verificationKey.keyID, kind: "hashedrekord", version: "0.0.1",
                integratedTime: view.entry.integratedTime, inclusionPromise: view.signedEntryTimestamp,
                inclusionProof: .init(logIndex: view.entry.index, rootHash: view.rootHash.bytes, treeSize: view.proof.treeSize,
                                      hashes: view.proof.hashes.map(\.bytes), checkpoint: view.checkpoint),
                canonicalizedBody: view.entry.body)
            let root = TrustedRoot(tlogs: [TransparencyLogInstance(baseURL: "http://127.0.0.1:3000", key: v1Log.key.verificationKey,
                                                                   keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: nil),
                                           v2.instance],
                                   certificateAuthorities: [])
            func bundle(_ entries: [BundleLogEntry]) -> SigstoreBundle {
                SigstoreBundle(verificationMaterial: VerificationMaterial(signer: .publicKey(hint: nil), tlogEntries: entries),
                               content: .messageSignature(digest: (algorithm: .sha256, bytes: signed.digest), signature: signed.signature))
            }
            let policy = try VerificationPolicy(artifact: .bytes(signed.artifact), signer: .publicKey(signed.verificationKey))
            let result = try await BundleVerifier(trustedRoot: root).verify(bundle([v1Entry, v2Entry]), policy: policy)
            #expect(result.logEntries.map(\.logIndex) == [0, 0])
            #expect(result.logEntries.last?.integratedTime == nil)

            // Tampered variants fail at the step that catches them.
            var wrongProof = v2Entry
            wrongProof.inclusionProof?.rootHash[0] ^= 1
            await #expect(throws: VerificationError.self) {
                _ = try await BundleVerifier(trustedRoot: root).verify(bundle([v1Entry, wrongProof]), policy: policy)
            }
            let impostor = try TestRekorV2Log()   // another key, same origin
            var otherKey = root
            otherKey.tlogs[1] = impostor.instance
            do {
                _ = try await BundleVerifier(trustedRoot: otherKey).verify(bundle([v1Entry, v2Entry]), policy: policy)
                Issue.record("a root with another v2 key accepted the entry")
            } catch let error as VerificationError {
                #expect(error.step == .checkpoint, "\(error)")
            }
            var otherOrigin = root
            otherOrigin.tlogs[1].baseURL = "http://localhost:3000/rekor-v2"
            do {
                _ = try await BundleVerifier(trustedRoot: otherOrigin).verify(bundle([v1Entry, v2Entry]), policy: policy)
                Issue.record("a checkpoint under another origin was accepted")
            } catch let error as VerificationError {
                #expect(error.step == .checkpoint, "\(error)")
            }
        }
    }

    // MARK: Refusals

    struct BadRequest: CustomTestStringConvertible, Sendable {
        let name: String
        let status: HTTPResponse.Status
        let reason: String
        let body: @Sendable (SignedArtifact) -> [UInt8]
        var testDescription: String { name }
    }

    static func mutated(_ signed: SignedArtifact, _ change: (inout [String: JSONValue]) -> Void) -> [UInt8] {
        guard case .object(let top) = try! JSONValue(parsing: signed.v2Request), case .object(var request) = top["hashedRekordRequestV002"]! else {
            fatalError("request shape")
        }
        change(&request)
        return CanonicalJSON.encode(["hashedRekordRequestV002": .object(request)])
    }

    static func verifier(_ signed: SignedArtifact, _ members: [String: JSONValue]) -> [UInt8] {
        mutated(signed) { request in
            request["signature"] = ["content": .string(StrictBase64.encode(signed.signature)), "verifier": .object(members)]
        }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "unknown field", status: .badRequest, reason: "unknown field \\\"hashedRekordRequestV002.extra\\\"") { s in
            mutated(s) { $0["extra"] = true }
        },
        BadRequest(name: "digest of the wrong length", status: .badRequest, reason: "digest is 20 bytes") { s in
            mutated(s) { $0["digest"] = .string(StrictBase64.encode(s.digest.prefix(20))) }
        },
        BadRequest(name: "key type not allowed", status: .badRequest, reason: "is not an allowed key type") { s in
            verifier(s, ["publicKey": ["rawBytes": .string(StrictBase64.encode(s.key.publicKey.derRepresentation))], "keyDetails": "PKIX_ED25519"])
        },
        BadRequest(name: "signature that does not verify", status: .badRequest, reason: "the signature does not verify") { s in
            mutated(s) { $0["digest"] = .string(StrictBase64.encode(SignedArtifact().digest)) }
        },
        BadRequest(name: "unparseable certificate", status: .badRequest, reason: "is not a DER X.509 certificate") { s in
            verifier(s, ["x509Certificate": ["rawBytes": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"], "keyDetails": "PKIX_ECDSA_P256_SHA_256"])
        },
        BadRequest(name: "not JSON", status: .badRequest, reason: "the request is not JSON") { _ in Array("hello".utf8) },
        BadRequest(name: "request over the size limit", status: .contentTooLarge, reason: "exceeds the limit") { _ in
            [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        },
    ]

    @Test(arguments: badRequests)
    func aBadRequestIs4xxWithAReasonAndLeavesTheTreeUnchanged(_ bad: BadRequest) async throws {
        let v2 = try TestRekorV2Log()
        let signed = SignedArtifact()
        try await withApp(v2) { client, log, v1 in
            #expect(try await Self.post(client, SignedArtifact().v2Request).status == .created)
            let before = log.treeHead
            let response = try await Self.post(client, bad.body(signed))
            #expect(response.status == bad.status)
            let message = String(decoding: Self.bytes(response), as: UTF8.self)
            #expect(message.contains(bad.reason), "\(message)")
            #expect(log.treeHead == before)
            #expect(try await log.store.latestTreeHead() == before)
            #expect(v1.treeHead.treeSize == 0)
        }
    }

    @Test func aDuplicateAnswers409WithTheExistingIndex() async throws {
        let v2 = try TestRekorV2Log()
        let first = SignedArtifact(), second = SignedArtifact()
        try await withApp(v2) { client, log, _ in
            #expect(try await Self.post(client, first.v2Request).status == .created)
            #expect(try await Self.post(client, second.v2Request).status == .created)
            let again = try await Self.post(client, first.v2Request)
            #expect(again.status == .conflict)
            #expect(again.headers[HTTPField.Name("x-log-index")!] == "0")
            #expect(log.treeHead.treeSize == 2)
        }
    }

    @Test func aFullQueueAnswers503WithRetryAfter() async throws {
        let v2 = try TestRekorV2Log { $0.sequencer.queueCapacity = 0 }
        try await withApp(v2) { client, log, _ in
            let response = try await Self.post(client, SignedArtifact().v2Request)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "1")
            #expect(log.treeHead.treeSize == 0)
        }
    }

    // MARK: Checkpoints and key IDs

    /// The checkpoint is a C2SP signed note: origin line and signature name = the host name, key hint
    /// = the first four bytes of `SHA-256(origin || 0x0A || 0x01 || key)`, Ed25519 over the text;
    /// an independent C2SP verifier (the note verifier of `vkey` text) accepts it.
    @Test func theCheckpointFollowsTheC2SPKeyIDRule() async throws {
        let v2 = try TestRekorV2Log(origin: "log.example.dev")
        try await withApp(v2) { client, log, _ in
            #expect(try await Self.post(client, SignedArtifact().v2Request).status == .created)
            let served = try await client.execute(uri: RekorV2Log.basePath + "/checkpoint", method: .get)
            #expect(served.status == .ok)
            let text = String(decoding: Self.bytes(served), as: UTF8.self)
            #expect(text == log.treeHead.checkpoint)
            let note = try SignedNote(parsing: text)
            #expect(note.signatures.count == 1)
            #expect(note.signatures[0].name == "log.example.dev")
            #expect(note.signatures[0].keyHint == v2.keyID.hint)
            #expect(log.keyID == v2.keyID)
            var expected = SHA256()
            expected.update(data: Array("log.example.dev".utf8) + [0x0A, 0x01])
            expected.update(data: Array(try Curve25519.Signing.PublicKey(derRepresentation: v2.key.verificationKey.spkiDER).rawRepresentation))
            #expect(v2.keyID.bytes == Array(expected.finalize()))
            let publicKey = try Curve25519.Signing.PublicKey(derRepresentation: v2.key.verificationKey.spkiDER)
            let vkey = "log.example.dev+" + String(format: "%08x", v2.keyID.hint) + "+" + StrictBase64.encode([UInt8]([0x01]) + Array(publicKey.rawRepresentation))
            let checkpoint = try SignedCheckpoint(parsing: text, verifiers: [try Ed25519NoteVerifier(verifierKey: vkey)]).checkpoint
            #expect(checkpoint.origin == "log.example.dev" && checkpoint.treeSize == 1)
            #expect(checkpoint.extensions.isEmpty)
        }
    }

    /// With the vectors' test key and origin, the empty log's checkpoint is the vectors' size-0
    /// checkpoint byte for byte (Ed25519 is deterministic).
    @Test func theEmptyCheckpointMatchesTheSignedNoteVector() async throws {
        let vectors = try JSONValue(parsing: Fixtures.bytes("vectors/signed-note.json"))
        let generated = try #require(vectors["generated_checkpoints"])
        let origin = try #require(generated["log_key"]?["origin"]?.stringValue)
        let seed = try #require(generated["log_key"]?["ed25519_seed_hex"]?.stringValue.flatMap(LowercaseHex.decode))
        let expected = try #require(generated["cases"]?[0])
        #expect(expected["tree_size"] == 0)
        let key = SigningKey(ed25519: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
        let v2 = try TestRekorV2Log(key: key, origin: origin)
        let log = try await v2.open()
        #expect(log.treeHead.checkpoint == expected["checkpoint"]?.stringValue)
        let vkey = try #require(generated["log_key"]?["vkey"]?.stringValue)
        #expect(vkey.hasPrefix(origin + "+" + String(format: "%08x", log.keyID.hint) + "+"))
    }

    /// After a clean shutdown the log resumes from its stored tree and checkpoint, and grows on.
    @Test func aRestartedLogResumesItsTree() async throws {
        let v2 = try TestRekorV2Log()
        let first = try await v2.open()
        for _ in 0..<5 { _ = try await first.add(request: SignedArtifact().v2Request) }
        let head = first.treeHead
        await first.sequencer.shutdown()
        try first.store.close()
        let reopened = try await v2.open()
        #expect(reopened.treeHead == head)
        let entry = try await reopened.add(request: SignedArtifact().v2Request)
        #expect(entry.logIndex == 5 && entry.proof.treeSize == 6)
        try entry.proof.verify(leafHash: RFC6962.leafHash(entry.body), rootHash: entry.rootHash)
        try #require(try await reopened.store.entries(in: 0..<6).count == 6)
    }

    @Test func aV2LogRefusesAnotherKeyOnRestart() async throws {
        let v2 = try TestRekorV2Log()
        _ = try await v2.open()
        await #expect(throws: LogStartupError.self) {
            _ = try await RekorV2Log(store: try await TestStorage.openStore(templatePath: v2.databasePath, log: "rekor_v2"), signingKey: .generateEd25519(),
                                     configuration: LogConfiguration())
        }
        await #expect(throws: LogStartupError.self) {
            _ = try await RekorV2Log(store: try await TestStorage.openStore(templatePath: v2.databasePath, log: "rekor_v2"), signingKey: .generateP256(),
                                     configuration: LogConfiguration())
        }
    }

    @Test(arguments: [("http://127.0.0.1:3000/rekor-v2", "127.0.0.1"), ("https://log2025-1.rekor.sigstore.dev", "log2025-1.rekor.sigstore.dev"),
                      ("http://localhost:3003", "localhost"), ("http://[::1]:3000/rekor-v2", "::1")])
    func theOriginIsTheHostNameWithoutPort(_ url: String, _ origin: String) throws {
        #expect(RekorV2Log.origin(forBaseURL: url) == origin)
        let instance = TransparencyLogInstance(baseURL: url, key: SigningKey.generateEd25519().verificationKey, keyDetails: "PKIX_ED25519",
                                               validFor: nil)
        #expect(instance.hostname == origin)
    }

    // MARK: Tiles

    /// 300 entries, added concurrently: the level-0 tiles are the leaf hashes of the entry bundles'
    /// bodies, and the tiles rebuild the checkpoint's root (the Python check in
    /// interop/run-rekor-v2-interop.sh does the same with hashlib alone).
    @Test func theTilesRebuildTheCheckpointRoot() async throws {
        let v2 = try TestRekorV2Log()
        try await withApp(v2) { client, log, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<300 { group.addTask { _ = try await log.add(request: SignedArtifact().v2Request) } }
                try await group.waitForAll()
            }
            let checkpoint = try Checkpoint(parsing: String(try SignedNote(parsing: log.treeHead.checkpoint).text))
            #expect(checkpoint.treeSize == 300)
            func get(_ path: String) async throws -> [UInt8] {
                let response = try await client.execute(uri: RekorV2Log.basePath + "/" + path, method: .get)
                #expect(response.status == .ok, "\(path)")
                return Self.bytes(response)
            }
            let bodies = try Tiles.EntryBundle.decode(try await get("tile/entries/000")) + Tiles.EntryBundle.decode(try await get("tile/entries/001.p/44"))
            let leaves = try Tiles.hashes(tileData: try await get("tile/0/000")) + Tiles.hashes(tileData: try await get("tile/0/001.p/44"))
            #expect(bodies.map { RFC6962.leafHash($0) } == leaves)
            let level1 = try Tiles.hashes(tileData: try await get("tile/1/000.p/1"))
            #expect(level1 == [referenceRoot(leaves[0..<256])])
            #expect(referenceRoot(leaves[...]) == checkpoint.rootHash)
            #expect(try await client.execute(uri: RekorV2Log.basePath + "/tile/0/002.p/1", method: .get).status == .notFound)
            // The v1 log's tiles at the root are a different (empty) tree.
            #expect(try await client.execute(uri: "/tile/0/000.p/1", method: .get).status == .notFound)
        }
    }
}
