import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
@testable import SigstoreKit

@Suite struct SCTTests {
    static let sample = SignedCertificateTimestamp(
        logID: Array(repeating: 7, count: 32), timestamp: 1_700_000_000_123, extensions: [0, 0, 0, 0, 0, 5, 0, 1],
        signatureAlgorithm: .ecdsa, signature: [0x30, 0x03, 0x02, 0x01, 0x01])

    @Test func sctRoundTrips() throws {
        let encoded = try Self.sample.tlsEncoded()
        #expect(encoded.count == 1 + 32 + 8 + 2 + 8 + 2 + 2 + 5)
        #expect(try SignedCertificateTimestamp(tlsEncoded: encoded) == Self.sample)
    }

    @Test func listRoundTripsThroughTheExtensionValue() throws {
        let list = SignedCertificateTimestampList([Self.sample, Self.sample])
        let value = try list.extensionValue()
        #expect(value.first == 0x04)
        #expect(try SignedCertificateTimestampList(extensionValue: value) == list)
    }

    @Test func truncatedInputThrowsEveryPrefix() throws {
        let encoded = try Self.sample.tlsEncoded()
        for n in 0..<encoded.count {
            #expect(throws: CTError.self) { try SignedCertificateTimestamp(tlsEncoded: encoded.prefix(n)) }
        }
        #expect(throws: CTError("SCT has trailing bytes")) { try SignedCertificateTimestamp(tlsEncoded: encoded + [0]) }
    }

    @Test func emptyListIsRejected() {
        #expect(throws: CTError("SCT list is empty")) { try SignedCertificateTimestampList(tlsEncoded: [0, 0]) }
    }

    @Test func productionCertificateSCTVerifies() throws {
        let root = try ConformanceFixtures.productionRoot()
        let leaf = try ConformanceFixtures.leaf(ofCase: "happy-path-v0.3")
        let issuer = try #require(root.certificateAuthorities.flatMap(\.certificates).first { $0.subject == leaf.issuer })
        let verified = try EmbeddedSCTVerifier.verify(certificate: leaf, issuer: issuer, logs: root.ctlogs)
        #expect(verified.count == 1)
        // A key from another log must not verify it.
        #expect(throws: CTError.self) {
            try EmbeddedSCTVerifier.verify(certificate: leaf, issuer: issuer, logs: Array(root.tlogs))
        }
    }

    @Test func precertTBSRemovesOnlyTheSCTList() throws {
        let leaf = try ConformanceFixtures.leaf(ofCase: "happy-path-v0.3")
        let tbs = try PrecertificateTBS.fromFinalCertificate(leaf)
        #expect(tbs.count < leaf.tbsCertificateBytes.count)
        #expect(throws: CTError.self) {
            try PrecertificateTBS.removingExtension(SignedCertificateTimestampList.poisonOID, fromTBS: leaf.tbsCertificateBytes)
        }
    }

    @Test func signedDataLayout() throws {
        let data = try PrecertificateSignedData.build(timestamp: 1, extensions: [], issuerKeyHash: Array(repeating: 9, count: 32),
                                                      tbsCertificate: [0xAA, 0xBB])
        #expect(data == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1] + Array(repeating: 9, count: 32) + [0, 0, 2, 0xAA, 0xBB, 0, 0])
    }

    @Test func freshlySignedSCTVerifies() throws {
        let key = P256.Signing.PrivateKey()
        let logKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation)
        var sct = SignedCertificateTimestamp(logID: logKey.keyID, timestamp: 5, signatureAlgorithm: .ecdsa, signature: [])
        let signed = try PrecertificateSignedData.build(for: sct, issuerSPKI: [1, 2, 3], tbsCertificate: [4, 5])
        sct.signature = Array(try key.signature(for: signed).derRepresentation)
        try sct.verify(signedData: signed, logKey: logKey)
        #expect(throws: CTError("SCT signature is invalid")) { try sct.verify(signedData: signed + [0], logKey: logKey) }
    }
}
