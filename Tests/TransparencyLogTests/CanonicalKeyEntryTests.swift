import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SigstoreKit
import TestSupport
import Testing
@testable import TransparencyLog
import WireFormat

/// `POST /api/v1/log/entries` stores one form per key: the same key, signature and digest with
/// its PEM rewritten (CRLF, no final newline, other line lengths) is a duplicate (409), and text
/// around the PEM is refused (400) instead of being kept forever.
@Suite struct CanonicalKeyEntryTests {
    static let hash = SHA256.hash(data: Array("one artifact".utf8))
    static let digest = Array(hash)

    /// One signature over `digest` (ECDSA signatures are randomised: sign once, propose many times).
    static func signature(_ signer: TestSigner) -> [UInt8] {
        Array(try! signer.key.signature(for: hash).derRepresentation)
    }

    /// `signature` by the signer's key over `digest`, proposed with `pem` as the key text.
    static func proposal(_ signature: [UInt8], pem: String) -> [UInt8] {
        ProposedEntries.hashedRekord(signature: signature, publicKeyPEM: pem, digest: digest)
    }

    /// `pem` with its base64 re-wrapped at 76 characters.
    static func rewrapped76(_ pem: String) -> String {
        let block = try! PEMDecoding.block(in: pem)
        let b64 = Array(StrictBase64.encode(block.der))
        let lines = stride(from: 0, to: b64.count, by: 76).map { String(b64[$0..<min($0 + 76, b64.count)]) }
        return "-----BEGIN \(block.label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(block.label)-----\n"
    }

    @Test(arguments: ["certificate", "public key"])
    func rewrittenPEMIsADuplicate(_ what: String) async throws {
        let log = try TestLog()
        let signer = what == "certificate" ? TestSigner(email: "alice@example.com") : TestSigner()
        let pem = signer.publicKeyPEM, signature = Self.signature(signer)
        let service = try await log.service()
        let app = Application(router: buildLogRouter(service: service))
        try await app.test(.router) { client in
            let first = try await LogAPITests.post(client, "/api/v1/log/entries", Self.proposal(signature, pem: pem))
            #expect(first.status == .created)
            let variants = [
                ("CRLF", pem.replacingOccurrences(of: "\n", with: "\r\n")),
                ("no final newline", String(pem.dropLast())),
                ("76-character lines", Self.rewrapped76(pem)),
                ("blank lines after", pem + "\n\r\n"),
            ]
            for (name, variant) in variants {
                let response = try await LogAPITests.post(client, "/api/v1/log/entries", Self.proposal(signature, pem: variant))
                #expect(response.status == .conflict, "\(what), \(name)")
                #expect(response.headers[.location] == first.headers[.location], "\(what), \(name)")
            }
            #expect(service.treeHead.treeSize == 1)

            // What the log stored is the canonical PEM: what Sigil, sigstore-python and sigstore-go send.
            let entry = try LogAPITests.decode(RekorAPI.LogEntry.self, first)
            let bodyText = try #require(entry.first?.value.body)
            guard case .hashedRekord(let record) = try RekorEntry.parseCanonicalBody(try #require(StrictBase64.decode(bodyText))) else {
                Issue.record("not a hashedrekord"); return
            }
            #expect(record.publicKeyContent.isExactly(StrictBase64.encode(Array(pem.utf8))))
        }
    }

    @Test(arguments: [
        ("text before", "Subject: hello\n", "", "text before the PEM block"),
        ("text after", "", "padding the log with 64 KB of anything\n", "text after the PEM block"),
    ])
    func textAroundThePEMIsRefused(_ name: String, _ before: String, _ after: String, _ reason: String) async throws {
        let log = try TestLog()
        let signer = TestSigner()
        let service = try await log.service()
        let app = Application(router: buildLogRouter(service: service))
        try await app.test(.router) { client in
            let response = try await LogAPITests.post(client, "/api/v1/log/entries",
                                                      Self.proposal(Self.signature(signer), pem: before + signer.publicKeyPEM + after))
            #expect(response.status == .badRequest, "\(name)")
            let error = try LogAPITests.decode(RekorAPI.ErrorBody.self, response)
            #expect(error.code == 400)
            #expect(error.message.contains("spec.signature.publicKey.content is not valid PEM: \(reason)"), "\(error.message)")
            #expect(service.treeHead.treeSize == 0)
        }
    }
}
