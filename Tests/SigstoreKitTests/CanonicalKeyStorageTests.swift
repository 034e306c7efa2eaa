import Foundation
import Testing
@testable import SigstoreKit
import WireFormat

/// A proposed entry's key or certificate is stored in one canonical PEM form, as Rekor does:
/// CRLF, other line lengths or a missing final newline give the same body (so the log's
/// duplicate check sees it), and text around the PEM is refused.
@Suite struct CanonicalKeyStorageTests {
    static func pemText(_ base64: String) -> String { String(decoding: StrictBase64.decode(base64)!, as: UTF8.self) }
    static let certificatePEM = pemText(RekorFixtures.certificate)
    static let publicKeyPEM = pemText(RekorFixtures.publicKey)

    /// The same PEM, rewritten in every way that must not change what is stored.
    static func variants(of pem: String) -> [(String, String)] {
        let der = try! PEMDecoding.blocks(in: pem).map(\.der)
        let label = try! PEMDecoding.blocks(in: pem)[0].label
        let body76 = der.map { bytes in
            let b64 = Array(StrictBase64.encode(bytes))
            let lines = stride(from: 0, to: b64.count, by: 76).map { String(b64[$0..<min($0 + 76, b64.count)]) }
            return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
        }.joined()
        return [
            ("as sent", pem),
            ("CRLF", pem.replacingOccurrences(of: "\n", with: "\r\n")),
            ("no final newline", String(pem.dropLast())),
            ("extra blank lines at the end", pem + "\n\n"),
            ("76-character lines", body76),
        ]
    }

    static func hashedRekordBody(publicKeyPEM pem: String) throws(EntryError) -> [UInt8] {
        let proposal = RekorFixtures.hashedRekordProposal(publicKey: StrictBase64.encode(Array(pem.utf8)))
        return try RekorEntry.canonicalize(proposedEntry: CanonicalJSON.encode(proposal)).body
    }

    @Test(arguments: ["certificate", "public key"])
    func hashedRekordStoresOneFormPerKey(_ what: String) throws {
        let pem = what == "certificate" ? Self.certificatePEM : Self.publicKeyPEM
        let expected = try Self.hashedRekordBody(publicKeyPEM: pem)
        for (name, variant) in Self.variants(of: pem) {
            #expect(try Self.hashedRekordBody(publicKeyPEM: variant) == expected, "\(what): \(name)")
        }
        // The stored key is base64 of the canonical PEM, which for this fixture is the text sent.
        let body = try RekorEntry.parseCanonicalBody(expected)
        guard case .hashedRekord(let record) = body else { Issue.record("not a hashedrekord"); return }
        #expect(record.publicKeyContent.isExactly(StrictBase64.encode(Array(PEMEncoding.encode(
            try PEMDecoding.block(in: pem).der, label: try PEMDecoding.block(in: pem).label).utf8))))
    }

    @Test func aChainIsStoredAsCanonicalBlocksLeafFirst() throws {
        // The fixture is self-signed, so [certificate, certificate] is a valid two-certificate chain.
        let chain = Self.certificatePEM + Self.certificatePEM
        let expected = try Self.hashedRekordBody(publicKeyPEM: chain)
        let crlfWithBlankLine = (Self.certificatePEM + "\n" + Self.certificatePEM).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try Self.hashedRekordBody(publicKeyPEM: crlfWithBlankLine) == expected)
    }

    @Test(arguments: [
        ("text before", "Subject: alice\n" + certificatePEM, "text before the PEM block"),
        ("text after", certificatePEM + "hello, log\n", "text after the PEM block"),
        ("64 KB after", certificatePEM + String(repeating: "A", count: 65_536), "text after the PEM block"),
        ("text between blocks", certificatePEM + "x\n" + certificatePEM, "text after the PEM block"),
        ("a key after a certificate", certificatePEM + publicKeyPEM, "must hold one PUBLIC KEY or a chain"),
    ])
    func textOutsideThePEMIsRefused(_ name: String, _ pem: String, _ reason: String) {
        do {
            _ = try Self.hashedRekordBody(publicKeyPEM: pem)
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.code == .malformed, "\(name)")
            #expect(error.message.contains("spec.signature.publicKey.content"), "\(name): \(error.message)")
            #expect(error.message.contains(reason), "\(name): \(error.message)")
        }
    }

    @Test func dsseVerifiersAreStoredInOneForm() throws {
        func body(_ verifierPEM: String) throws -> [UInt8] {
            let proposal = RekorFixtures.dsseProposal(verifiers: [StrictBase64.encode(Array(verifierPEM.utf8))])
            return try RekorEntry.canonicalize(proposedEntry: CanonicalJSON.encode(proposal)).body
        }
        let expected = try body(Self.certificatePEM)
        #expect(expected == Array(RekorFixtures.dsseBody.utf8))
        for (name, variant) in Self.variants(of: Self.certificatePEM) {
            #expect(try body(variant) == expected, "\(name)")
        }
        #expect(throws: EntryError.self) { try body("junk\n" + Self.certificatePEM) }
    }

    @Test func aClientsOwnEntryMatchesWhatTheLogStores() throws {
        // HashedRekordV001(…publicKeyPEM:) is what clients rebuild the body from: it must give
        // the log's bytes even when the client's PEM text is not canonical.
        let stored = try Self.hashedRekordBody(publicKeyPEM: Self.certificatePEM)
        let rebuilt = try HashedRekordV001(hashAlgorithm: .sha256, digest: LowercaseHex.decode(RekorFixtures.artifactSHA256)!,
                                           signature: StrictBase64.decode(RekorFixtures.signature)!,
                                           publicKeyPEM: Self.certificatePEM.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(rebuilt.canonicalBody == stored)
    }
}
