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
import SwiftASN1
import X509
@testable import TransparencyLog

/// The RFC 6962 CT log: add-pre-chain answers an SCT only once the entry is durable, and every read
/// endpoint agrees with it.
@Suite struct CTLogTests {
    struct Fixture {
        let log: TestLog
        let ctKey = SigningKey.generateP256()
        let ca = TestCA()
        let directory = TemporaryDirectory()

        init() throws {
            log = try TestLog()
            _ = try CTLogService.createStore(path: directory.path("ct.sqlite"), signingKey: ctKey, name: "test-ct")
        }

        func services() async throws -> (LogService, CTLogService) {
            let ct = try await CTLogService(store: try await TestStorage.openStore(templatePath: directory.path("ct.sqlite"), log: "ct"), signingKey: ctKey,
                                      acceptedRoots: [ca.root])
            return (try await log.service(), ct)
        }
    }

    struct SCTJSON: Decodable { let sct_version: Int; let id: String; let timestamp: UInt64; let extensions: String; let signature: String }
    struct STHJSON: Decodable { let tree_size: Int64; let timestamp: UInt64; let sha256_root_hash: String; let tree_head_signature: String }
    struct ProofJSON: Decodable { let leaf_index: Int64; let audit_path: [String] }
    struct EntriesJSON: Decodable { struct E: Decodable { let leaf_input: String; let extra_data: String }; let entries: [E] }

    func addPreChain(_ client: some TestClientProtocol, _ chain: [[UInt8]]) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["chain": chain.map { Data($0).base64EncodedString() }])
        return try await client.execute(uri: "/ct/v1/add-pre-chain", method: .post, headers: [.contentType: "application/json"],
                                        body: ByteBuffer(bytes: body))
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
    }

    @Test func sctVerifiesAndTheEntryIsProvablyInTheLog() async throws {
        let fixture = try Fixture()
        let (log, ct) = try await fixture.services()
        let app = Application(router: buildLogRouter(service: log, ctLog: ct))
        try await app.test(.router) { client in
            let precert = fixture.ca.precertificate()
            let chain = [TestCA.der(precert), TestCA.der(fixture.ca.intermediate), TestCA.der(fixture.ca.root)]
            let response = try await addPreChain(client, chain)
            #expect(response.status == .ok)
            let json = try decode(SCTJSON.self, response)
            #expect(json.sct_version == 0)
            #expect(Data(base64Encoded: json.id).map(Array.init) == fixture.ctKey.verificationKey.keyID)
            // The SCT signs the precert TBS (poison removed) under the issuer's key hash.
            let signature = try DigitallySigned.signature(in: Array(Data(base64Encoded: json.signature)!))
            let sct = SignedCertificateTimestamp(logID: fixture.ctKey.verificationKey.keyID, timestamp: json.timestamp,
                                                 extensions: [], hashAlgorithm: .sha256, signatureAlgorithm: .ecdsa, signature: signature)
            var issuerSPKI = DER.Serializer()
            try issuerSPKI.serialize(fixture.ca.intermediate.publicKey)
            let signed = try PrecertificateSignedData.build(for: sct, issuerSPKI: issuerSPKI.serializedBytes,
                                                            tbsCertificate: try PrecertificateTBS.fromPrecertificate(precert))
            try sct.verify(signedData: signed, logKey: fixture.ctKey.verificationKey)

            // get-sth is signed; get-proof-by-hash proves the leaf against it.
            let sth = try decode(STHJSON.self, try await client.execute(uri: "/ct/v1/get-sth", method: .get))
            #expect(sth.tree_size == 1)
            let sthSignature = try DigitallySigned.signature(in: Array(Data(base64Encoded: sth.tree_head_signature)!))
            let root = try #require(Hash(base64: sth.sha256_root_hash))
            #expect(fixture.ctKey.verificationKey.isValidSignature(
                sthSignature, for: TreeHeadSignature.signedData(timestamp: sth.timestamp, treeSize: 1, rootHash: root.bytes)))
            let entries = try decode(EntriesJSON.self, try await client.execute(uri: "/ct/v1/get-entries?start=0&end=10", method: .get))
            #expect(entries.entries.count == 1)
            let leafInput = Array(Data(base64Encoded: entries.entries[0].leaf_input)!)
            let leaf = try PrecertLogEntry(leafInput: leafInput)
            #expect(leaf.timestamp == json.timestamp)
            #expect(RFC6962.leafHash(leafInput) == root)
            let hash = RFC6962.leafHash(leafInput).base64.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let proof = try decode(ProofJSON.self, try await client.execute(uri: "/ct/v1/get-proof-by-hash?hash=\(hash)&tree_size=1", method: .get))
            #expect(proof.leaf_index == 0 && proof.audit_path.isEmpty)
            let roots = try await client.execute(uri: "/ct/v1/get-roots", method: .get)
            #expect(String(buffer: roots.body).contains(Data(TestCA.der(fixture.ca.root)).base64EncodedString()))
        }
    }

    @Test func consistencyAcrossManySubmissions() async throws {
        let fixture = try Fixture()
        let (_, ct) = try await fixture.services()
        var roots: [Int64: Hash] = [:]
        for _ in 0..<12 {
            let chain = [TestCA.der(fixture.ca.precertificate()), TestCA.der(fixture.ca.intermediate)]
            _ = try await ct.addPreChain(chain)
            roots[ct.treeHead.treeSize] = ct.treeHead.rootHash
        }
        for first in Int64(1)...12 {
            let hashes = try await ct.consistency(first: first, second: 12)
            if first < 12 {
                try ConsistencyProof(oldSize: first, newSize: 12, hashes: hashes).verify(oldRoot: roots[first]!, newRoot: roots[12]!)
            }
        }
        #expect(try await ct.entries(start: 0, end: 1000).count == 12)
    }

    /// The in-process CA hands its parsed precertificate over with the chain: the log stores the
    /// same leaf as for the DER alone, and still checks the poison and the issuer's signature.
    @Test func aParsedPrecertificateIsLoggedAsItsDERAndStillChecked() async throws {
        let fixture = try Fixture()
        let (_, ct) = try await fixture.services()
        let precert = fixture.ca.precertificate()
        let chain = [TestCA.der(precert), TestCA.der(fixture.ca.intermediate)]
        _ = try await ct.addPreChain(chain, parsedPrecertificate: precert)
        let entries = try await ct.entries(start: 0, end: 1)
        #expect(entries.count == 1)
        let leaf = try PrecertLogEntry(leafInput: entries[0].body)
        #expect(leaf.tbsCertificate == (try PrecertificateTBS.fromPrecertificate(try Certificate(derEncoded: chain[0]))))
        var issuerSPKI = DER.Serializer()
        try issuerSPKI.serialize(fixture.ca.intermediate.publicKey)
        #expect(leaf.issuerKeyHash == Array(SHA256.hash(data: issuerSPKI.serializedBytes)))
        #expect(entries[0].extra == (try PrecertLogEntry.chainEntry(precertificate: chain[0], chain: [chain[1]])))

        let unpoisoned = fixture.ca.precertificate(poison: false)
        await #expect(throws: LogError.self) {
            try await ct.addPreChain([TestCA.der(unpoisoned), TestCA.der(fixture.ca.intermediate)], parsedPrecertificate: unpoisoned)
        }
        let foreign = TestCA().precertificate()
        await #expect(throws: LogError.self) {
            try await ct.addPreChain([TestCA.der(foreign), TestCA.der(fixture.ca.intermediate)], parsedPrecertificate: foreign)
        }
        #expect(ct.treeHead.treeSize == 1)
    }

    @Test func rejectsWhatIsNotAPrecertificateChainToAnAcceptedRoot() async throws {
        let fixture = try Fixture()
        let (log, ct) = try await fixture.services()
        let app = Application(router: buildLogRouter(service: log, ctLog: ct))
        let stranger = TestCA()
        try await app.test(.router) { client in
            let cases: [(String, [[UInt8]])] = [
                ("no poison", [TestCA.der(fixture.ca.precertificate(poison: false)), TestCA.der(fixture.ca.intermediate)]),
                ("no issuer", [TestCA.der(fixture.ca.precertificate())]),
                ("wrong issuer", [TestCA.der(fixture.ca.precertificate()), TestCA.der(stranger.intermediate)]),
                ("unknown root", [TestCA.der(stranger.precertificate()), TestCA.der(stranger.intermediate), TestCA.der(stranger.root)]),
                ("garbage", [[1, 2, 3], TestCA.der(fixture.ca.intermediate)]),
            ]
            for (name, chain) in cases {
                let response = try await addPreChain(client, chain)
                #expect(response.status == .badRequest, "\(name)")
            }
            let notJSON = try await client.execute(uri: "/ct/v1/add-pre-chain", method: .post, body: ByteBuffer(string: "nope"))
            #expect(notJSON.status == .badRequest)
            #expect(ct.treeHead.treeSize == 0)
        }
    }
}
