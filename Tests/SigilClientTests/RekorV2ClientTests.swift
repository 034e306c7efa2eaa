import Crypto
import Foundation
import Hummingbird
import Synchronization
@testable import SigilClient
import SigstoreKit
import TestSupport
import Testing
import TransparencyLog
import WireFormat

/// How the client logs a DSSE envelope in a Rekor v2 log: as a `dsseRequestV002`, so a Sigil log
/// indexes the attestation's subjects, and, where a log refuses that form (rekor-tiles v2.3
/// answers 400), once more as the hashedrekord over the PAE. Both end in the same entry.
@Suite struct RekorV2ClientTests {
    /// How the test log answers a `dsseRequestV002`: as Sigil does, or as another log would.
    enum EnvelopeAnswer: Sendable {
        /// Sigil's log: records the hashedrekord over the PAE and indexes the subjects.
        case accept
        /// This status with a JSON message, logging nothing (rekor-tiles v2.3: 400).
        case status(HTTPResponse.Status)
        /// 201 with a dsse 0.0.2 entry, as rekor-tiles v2.0–v2.2 answer.
        case dsseEntry
    }

    /// A real v2 log on loopback, answering envelopes as `envelopes` says; counts the hashedrekord
    /// requests that reach it.
    final class LiveV2Log: Sendable {
        let directory = TemporaryDirectory()
        let log: RekorV2Log
        let server: LiveServer
        let hashedRekordRequests = Counter()

        init(envelopes: EnvelopeAnswer = .accept, maxRequestBytes: Int = 1 << 20) async throws {
            let key = SigningKey.generateEd25519(), v1Key = SigningKey.generateP256()
            // The explorer's search is served beside a v1 log; this one stays empty.
            let v1 = try LogService.createStore(path: directory.path("log.sqlite"), signingKey: v1Key, name: "sigil-test-log")
            var configuration = LogConfiguration()
            configuration.name = "sigil-test-log"
            let service = try await LogService(store: v1, signingKey: v1Key, configuration: configuration)
            let store = try RekorV2Log.createStore(path: directory.path("rekor-v2.sqlite"), signingKey: key, origin: "127.0.0.1")
            var v2Configuration = LogConfiguration()
            v2Configuration.maxRequestBytes = maxRequestBytes
            log = try await RekorV2Log(store: store, signingKey: key, configuration: v2Configuration)
            let counter = hashedRekordRequests
            server = try await LiveServer.start(buildLogRouter(service: service, rekorV2: log) { router in
                router.add(middleware: EnvelopeMiddleware(answer: envelopes, hashedRekordRequests: counter))
            })
        }

        var client: RekorV2Client { RekorV2Client(baseURL: server.url + RekorV2Log.basePath) }

        func search(_ digest: [UInt8]) async throws -> Int {
            let answer = try await HTTPTransport(baseURL: server.url).send(.POST, "/api/v1/explorer/search",
                                                                            body: Array("{\"hash\":\"sha256:\(LowercaseHex.encode(digest))\"}".utf8))
            guard case .array(let entries)? = try JSONValue(parsing: answer.body)["entries"] else { return -1 }
            return entries.count
        }
    }

    final class Counter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    struct EnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
        let answer: EnvelopeAnswer
        let hashedRekordRequests: Counter

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            guard request.method == .post else { return try await next(request, context) }
            var request = request
            let body = try await request.collectBody(upTo: 1 << 22)
            guard String(buffer: body).contains("dsseRequestV002") else {
                if String(buffer: body).contains("hashedRekordRequestV002") { hashedRekordRequests.increment() }
                return try await next(request, context)
            }
            switch answer {
            case .accept:
                return try await next(request, context)
            case .status(let status):
                return Response(status: status, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"code":3,"message":"not taken here"}"#)))
            case .dsseEntry:
                let entry: JSONValue = [
                    "logIndex": "7", "logId": ["keyId": .string(StrictBase64.encode([UInt8](repeating: 1, count: 32)))],
                    "kindVersion": ["kind": "dsse", "version": "0.0.2"], "integratedTime": "0",
                    "canonicalizedBody": .string(StrictBase64.encode(Array(#"{"apiVersion":"0.0.2","kind":"dsse"}"#.utf8))),
                ]
                return Response(status: .created, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(entry))))
            }
        }
    }

    static let file = Array(SHA256.hash(data: Array("app.tar".utf8)))

    /// Why the log's answer to `envelope` was refused (a test issue if it was taken).
    static func refusal(_ v2: LiveV2Log, _ envelope: DSSEEnvelope, _ entry: HashedRekordV002) async -> String {
        do {
            let logged = try await v2.client.add(envelope: envelope, loggedAs: entry)
            Issue.record("accepted as index \(logged.entry.logIndex)")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func anEnvelopeIsSentWholeSoTheLogIndexesItsSubjects() async throws {
        let v2 = try await LiveV2Log()
        defer { Task { await v2.server.stop() } }
        let (envelope, entry) = TestSigner(email: "alice@example.com").attestation(subjects: [("app.tar", Self.file)])
        let (logged, refusal) = try await v2.client.add(envelope: envelope, loggedAs: entry)
        #expect(logged.canonicalizedBody == entry.canonicalBody && logged.logIndex == 0)
        #expect(refusal == nil)
        #expect(try await v2.search(Self.file) == 1)
        #expect(try await v2.search(entry.digest) == 1)
    }

    @Test func aLogThatRefusesEnvelopesIsSentTheHashedRekordOnce() async throws {
        let v2 = try await LiveV2Log(envelopes: .status(.badRequest))
        defer { Task { await v2.server.stop() } }
        let (envelope, entry) = TestSigner(email: "alice@example.com").attestation(subjects: [("app.tar", Self.file)])
        let (logged, refusal) = try await v2.client.add(envelope: envelope, loggedAs: entry)
        #expect(logged.canonicalizedBody == entry.canonicalBody && v2.log.treeHead.treeSize == 1)
        #expect(refusal?.contains("HTTP 400") == true, "the signer is told why: \(refusal ?? "nil")")
        #expect(try await v2.search(Self.file) == 0, "the log never saw the statement")
        #expect(try await v2.search(entry.digest) == 1)

        // A hashedrekord the log refuses too is reported with both reasons, and nothing is logged.
        let (other, _) = TestSigner().attestation(subjects: [("app.tar", Self.file)])
        let message = await Self.refusal(v2, other, entry)
        #expect(message.contains("already exists") && message.contains("the envelope form was refused first: "), "\(message)")
        #expect(v2.log.treeHead.treeSize == 1)
    }

    @Test func anEnvelopeOverTheLogsRequestLimitIsSentAsTheHashedRekord() async throws {
        let v2 = try await LiveV2Log(maxRequestBytes: 4096)
        defer { Task { await v2.server.stop() } }
        let subjects = (0..<40).map { ("file-\($0).tar", Array(SHA256.hash(data: Array("file \($0)".utf8)))) }
        let (envelope, entry) = TestSigner(email: "alice@example.com").attestation(subjects: subjects)
        #expect(CanonicalJSON.encode(RekorV2EntryRequest.dsseRequestJSON(envelope: envelope, loggedAs: entry)).count > 4096)
        let (logged, refusal) = try await v2.client.add(envelope: envelope, loggedAs: entry)
        #expect(logged.canonicalizedBody == entry.canonicalBody && v2.log.treeHead.treeSize == 1)
        #expect(refusal?.contains("HTTP 413") == true, "\(refusal ?? "nil")")
        #expect(try await v2.search(subjects[0].1) == 0)
    }

    @Test(arguments: [HTTPResponse.Status.conflict, .serviceUnavailable, .internalServerError])
    func otherRefusalsOfTheEnvelopeAreNotRetried(_ status: HTTPResponse.Status) async throws {
        let v2 = try await LiveV2Log(envelopes: .status(status))
        defer { Task { await v2.server.stop() } }
        let (envelope, entry) = TestSigner().attestation(subjects: [("app.tar", Self.file)])
        do {
            _ = try await v2.client.add(envelope: envelope, loggedAs: entry)
            Issue.record("accepted")
        } catch let error as ClientError {
            #expect(error.description.contains("not taken here") && error.status == Int(status.code), "\(error)")
        }
        #expect(v2.hashedRekordRequests.value == 0 && v2.log.treeHead.treeSize == 0)
    }

    @Test func aLogThatRecordsTheEnvelopeAsDSSEIsReportedAsSuch() async throws {
        let v2 = try await LiveV2Log(envelopes: .dsseEntry)
        defer { Task { await v2.server.stop() } }
        let (envelope, entry) = TestSigner().attestation(subjects: [("app.tar", Self.file)])
        let message = await Self.refusal(v2, envelope, entry)
        #expect(message.contains("recorded the envelope as a dsse 0.0.2 entry (index 7)") && message.contains("--rekor-v2-attestation hashedrekord"),
                "\(message)")
        #expect(v2.hashedRekordRequests.value == 0)
    }

    @Test func theFallbackCountsOneHashedRekordRequest() async throws {
        let v2 = try await LiveV2Log(envelopes: .status(.badRequest))
        defer { Task { await v2.server.stop() } }
        let (envelope, entry) = TestSigner().attestation(subjects: [("app.tar", Self.file)])
        _ = try await v2.client.add(envelope: envelope, loggedAs: entry)
        #expect(v2.hashedRekordRequests.value == 1 && v2.log.treeHead.treeSize == 1)
    }
}
