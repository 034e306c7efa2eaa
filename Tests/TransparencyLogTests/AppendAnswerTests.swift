import Crypto
import Foundation
import Merkle
import SigstoreKit
import TestSupport
import Testing
import WireFormat
@testable import TransparencyLog

/// The append path's shortcuts give what the long way gives: the hand-built answer JSON equals
/// `JSONEncoder`'s bytes, and a certificate parsed once still has every later entry's signature checked.
@Suite struct AppendAnswerTests {
    @Test func answerJSONHasTheEncodersBytes() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let signer = TestSigner(email: "alice@example.com")
        for _ in 0..<5 { _ = try await service.add(proposedEntry: signer.randomHashedRekord().entry) }
        for index in Int64(0)..<5 {
            let view = try await service.entry(at: index)
            let fast = CanonicalJSON.encode(RekorJSON.logEntryJSON(view))
            let encoded = Array(try RekorJSON.encoder.encode(RekorJSON.logEntry(view)))
            #expect(fast == encoded, "entry \(index)")
        }
    }

    @Test func aKnownCertificateStillNeedsAValidSignature() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let signer = TestSigner(email: "bob@example.com")
        // Twice with one certificate: the second parse may come from the cache.
        for _ in 0..<2 {
            let (_, created) = try await service.add(proposedEntry: signer.randomHashedRekord().entry)
            #expect(created)
        }
        // The same certificate over a digest its key did not sign.
        let signed = SHA256.hash(data: Array("one artifact".utf8))
        let other = SHA256.hash(data: Array("another artifact".utf8))
        let signature = try signer.key.signature(for: signed).derRepresentation
        let forged = try HashedRekordV001(hashAlgorithm: .sha256, digest: Array(other), signature: Array(signature),
                                          publicKeyPEM: signer.publicKeyPEM).canonicalBody
        await #expect(throws: LogError.self) { try await service.add(proposedEntry: forged) }
        #expect(service.treeHead.treeSize == 2)
    }

    @Test func hashCacheStartsEmptyAndKeepsWhatItIsGiven() {
        let cache = HashCache(capacity: 1 << 10)
        #expect(cache.lookup([0, 1, 1023]) == [nil, nil, nil])
        let hashes = (0..<3).map { RFC6962.leafHash([UInt8($0)]) }
        cache.insert([0, 5, 1029], hashes)
        // 1029 shares its slot with 5 and replaced it.
        #expect(cache.lookup([0, 5, 1029]) == [hashes[0], nil, hashes[2]])
    }

    /// A database that fails after the commit, while the answer's proof is read: 503 with
    /// Retry-After (the entry is stored; a retry gets it), never a 500. A refusal passes unchanged.
    @Test func aProofReadFailingAfterTheCommitIsAnswered503() async throws {
        struct DatabaseGone: Error {}
        let failure = await #expect(throws: LogError.self) {
            try await LogError.answering(entryAt: 7) { () async throws -> Int in throw DatabaseGone() }
        }
        #expect(failure?.code == .unavailable)
        #expect(failure?.retryAfter == 1)
        #expect(failure?.message.contains("stored at index 7") == true)
        let refusal = LogError(.notFound, "gone")
        await #expect(throws: refusal) { try await LogError.answering(entryAt: 7) { () async throws -> Int in throw refusal } }
        #expect(try await LogError.answering(entryAt: 7) { 42 } == 42)
    }
}
