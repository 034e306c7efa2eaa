import Crypto
import Foundation
import HTTPTypes
@testable import CertificateAuthority
import SigstoreKit
import Testing
import X509
import WireFormat

/// The CA reads a CSR or public key PEM with any base64 line length, as Fulcio (Go's
/// encoding/pem) does: OpenSSL wraps at 64, `base64` and many libraries at 76. It still refuses
/// text around the block.
@Suite struct PEMLineLengthTests {
    /// `der` as PEM with `width`-character lines and `eol` line endings.
    static func pem(_ der: [UInt8], label: String, width: Int, eol: String = "\n") -> String {
        let b64 = Array(StrictBase64.encode(der))
        let lines = stride(from: 0, to: b64.count, by: width).map { String(b64[$0..<min($0 + width, b64.count)]) }
        return (["-----BEGIN \(label)-----"] + lines + ["-----END \(label)-----"]).joined(separator: eol) + eol
    }

    static func csrDER(_ key: P256.Signing.PrivateKey) throws -> [UInt8] {
        let csr = try CertificateSigningRequest(version: .v1, subject: DistinguishedName(), privateKey: .init(key),
                                                attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        return try PEMDecoding.block(in: try csr.serializeAsPEM().pemString).der
    }

    @Test(arguments: [(76, "\n"), (76, "\r\n"), (1_000, "\n"), (16, "\n")])
    func csrWithAnyLineLengthIsIssued(width: Int, eol: String) async throws {
        let ca = CAHarness()
        let key = P256.Signing.PrivateKey()
        let text = Self.pem(try Self.csrDER(key), label: "CERTIFICATE REQUEST", width: width, eol: eol)
        if width == 76 { #expect(text.split(separator: eol == "\n" ? "\n" : "\r\n").dropFirst().first?.count == 76) }
        let (status, json) = try await ca.post(Requests.csr(pem: text), bearer: try await ca.emailToken())
        #expect(status == .ok, "\(json)")
        let leaf = try json.issuedChain()[0]
        #expect(leaf.publicKey == Certificate.PublicKey(key.publicKey))
    }

    @Test func publicKeyWith76CharacterLinesIsIssued() async throws {
        let ca = CAHarness()
        let key = P256.Signing.PrivateKey()
        let pop = try key.signature(for: Array("alice@example.com".utf8)).derRepresentation
        let text = Self.pem(Array(key.publicKey.derRepresentation), label: "PUBLIC KEY", width: 76)
        let body = Requests.publicKey(pem: text, proof: StrictBase64.encode(Array(pop)), token: try await ca.emailToken())
        let (status, json) = try await ca.post(body)
        #expect(status == .ok, "\(json)")
    }

    @Test(arguments: [("text after", "", "trailer\n"), ("text before", "note\n", "")])
    func csrWithTextAroundTheBlockIsRefused(_ name: String, _ before: String, _ after: String) async throws {
        let ca = CAHarness()
        let text = before + Self.pem(try Self.csrDER(P256.Signing.PrivateKey()), label: "CERTIFICATE REQUEST", width: 76) + after
        let (status, json) = try await ca.post(Requests.csr(pem: text), bearer: try await ca.emailToken())
        #expect(status == .badRequest, "\(name)")
        #expect(json["message"]?.stringValue?.contains("\(name) the PEM block") == true, "\(json)")
        #expect(ca.ctLog.submissions == 0)
    }
}
