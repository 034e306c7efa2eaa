import Foundation
import SwiftASN1
import Testing
@testable import SigstoreKit

@Suite struct TimestampTests {
    static func material(_ dir: String) throws -> (response: [UInt8], signature: [UInt8], root: TrustedRoot) {
        let bundle = try SigstoreBundle(parsing: ConformanceFixtures.bytes("assets/bundle-verify/\(dir)/bundle.sigstore.json"))
        let root = try TrustedRoot(parsing: ConformanceFixtures.bytes("assets/bundle-verify/\(dir)/trusted_root.json"))
        return (try #require(bundle.verificationMaterial.rfc3161Timestamps.first), bundle.content.signatureBytes, root)
    }

    @Test(arguments: ["rekor2-timestamp-with-embedded-cert", "rekor2-timestamp-without-embedded-cert",
                      "rekor2-timestamp-with-expired-cert-chain", "trust-root-tsa-validity-end-inclusive"])
    func realTimestampsVerify(_ dir: String) async throws {
        let (response, signature, root) = try Self.material(dir)
        let time = try await TimestampVerifier.verify(response: response, signature: signature, authorities: root.timestampAuthorities)
        #expect(time == (try TimeStampToken(response: response)).info.genTime)
    }

    @Test func genTimeKeepsItsFractionOnEitherSideOf1970() throws {
        let leapDay = try GeneralizedTime(year: 2024, month: 2, day: 29, hours: 23, minutes: 59, seconds: 59, fractionalSeconds: 0.25)
        #expect(TSTInfo.date(leapDay) == Date(timeIntervalSince1970: 1_709_251_199.25))
        let before = try GeneralizedTime(year: 1969, month: 12, day: 31, hours: 23, minutes: 59, seconds: 59, fractionalSeconds: 0.5)
        #expect(TSTInfo.date(before) == Date(timeIntervalSince1970: -0.5))
    }

    @Test func embeddedCertificatesAreParsed() throws {
        let with = try TimeStampToken(response: Self.material("rekor2-timestamp-with-embedded-cert").response)
        let without = try TimeStampToken(response: Self.material("rekor2-timestamp-without-embedded-cert").response)
        #expect(!with.certificates.isEmpty)
        #expect(without.certificates.isEmpty)
    }

    @Test func otherSignatureIsRejected() async throws {
        let (response, signature, root) = try Self.material("rekor2-happy-path")
        await #expect(throws: TimestampError("the timestamp is over other data: its messageImprint is not the hash of the bundle signature")) {
            try await TimestampVerifier.verify(response: response, signature: signature + [0], authorities: root.timestampAuthorities)
        }
        await #expect(throws: TimestampError("the timestamp was not signed by a timestamp authority of the trusted root")) {
            try await TimestampVerifier.verify(response: response, signature: signature, authorities: [])
        }
    }

    @Test func truncatedResponsesThrow() throws {
        let (response, _, _) = try Self.material("rekor2-happy-path")
        for n in stride(from: 0, to: response.count, by: 3) {
            #expect(throws: TimestampError.self) { try TimeStampToken(response: Array(response.prefix(n))) }
        }
    }
}
