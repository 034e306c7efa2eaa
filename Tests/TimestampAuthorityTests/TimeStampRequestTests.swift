import Foundation
import SigstoreKit
import SwiftASN1
import Testing

/// RFC 3161 §2.4.1 requests: what round-trips, and each refusal with its PKIFailureInfo.
@Suite struct TimeStampRequestTests {
    @Test(arguments: HashAlgorithm.allCases)
    func requestsRoundTripThroughDER(_ algorithm: HashAlgorithm) throws {
        let variants = [
            try TimeStampRequest(hashAlgorithm: algorithm, hashedMessage: algorithm.digest([1, 2, 3])),
            try TimeStampRequest(hashAlgorithm: algorithm, hashedMessage: algorithm.digest([4]), policy: "1.3.6.1.4.1.57264.2",
                                 nonce: [0xFF, 0, 1, 2, 3, 4, 5, 6], certificateRequested: true),
            try TimeStampRequest(hashAlgorithm: algorithm, hashedMessage: algorithm.digest([]), nonce: [0, 0, 9]),
        ]
        for request in variants {
            let parsed = try TimeStampRequest(derEncoded: request.derEncoded())
            #expect(parsed == request)
            #expect(parsed.derEncoded() == request.derEncoded())
        }
        // The nonce is kept as a minimal non-negative INTEGER: a sign byte before 0xFF, no leading zeros.
        #expect(variants[1].nonce == [0, 0xFF, 0, 1, 2, 3, 4, 5, 6])
        #expect(variants[2].nonce == [9])
    }

    @Test func anOpenSSLStyleRequestWithNullParametersParses() throws {
        // openssl ts -query -digest <sha256> -cert -no_nonce: hashAlgorithm parameters are NULL.
        let der: [UInt8] = [0x30, 0x39, 0x02, 0x01, 0x01, 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
                            0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20] + [UInt8](repeating: 0xAB, count: 32) + [0x01, 0x01, 0xFF]
        let request = try TimeStampRequest(derEncoded: der)
        #expect(request.hashAlgorithm == .sha256 && request.certificateRequested && request.nonce == nil)
        #expect(request.derEncoded() == der, "the imprint is echoed exactly, NULL parameters included")
    }

    static let refusals: [(String, [UInt8], TimeStampRequestError, PKIFailureInfo)] = [
        ("SHA-1", TSAFixtures.der(algorithm: [1, 3, 14, 3, 2, 26], digest: .init(repeating: 1, count: 20)), .weakHashAlgorithm, .badAlg),
        ("MD5", TSAFixtures.der(algorithm: [1, 2, 840, 113549, 2, 5], digest: .init(repeating: 1, count: 16)),
         .unsupportedHashAlgorithm("1.2.840.113549.2.5"), .badAlg),
        ("short SHA-256", TSAFixtures.der(digest: .init(repeating: 1, count: 31)),
         .digestLength(algorithm: .sha256, expected: 32, actual: 31), .badDataFormat),
        ("SHA-384 OID with a SHA-256 digest", TSAFixtures.der(algorithm: [2, 16, 840, 1, 101, 3, 4, 2, 2]),
         .digestLength(algorithm: .sha384, expected: 48, actual: 32), .badDataFormat),
        ("version 2", TSAFixtures.der(version: 2), .unsupportedVersion(2), .badRequest),
        ("extensions", TSAFixtures.der(extensions: true), .extensionsPresent, .unacceptedExtension),
        ("trailing byte", TSAFixtures.der() + [0], .malformed("not a single DER value"), .badDataFormat),
        ("not a SEQUENCE", [0x04, 0x01, 0x00], .malformed("not a SEQUENCE"), .badDataFormat),
        ("empty", [], .malformed("not a single DER value"), .badDataFormat),
        ("BER long-form length", [0x30, 0x81, 0x03, 0x02, 0x01, 0x01], .malformed("not a single DER value"), .badDataFormat),
    ]

    @Test(arguments: 0..<refusals.count)
    func refusalsNameTheRuleAndTheFailureBit(_ index: Int) {
        let (name, der, expected, bit) = Self.refusals[index]
        #expect(throws: expected, "\(name)") { try TimeStampRequest(derEncoded: der) }
        #expect(expected.failureInfo == bit, "\(name)")
    }

    @Test func everyTruncationIsRefusedAsMalformed() throws {
        let der = try TimeStampRequest(hashAlgorithm: .sha512, hashedMessage: HashAlgorithm.sha512.digest([1]), policy: "1.2.3",
                                       nonce: [1, 2, 3], certificateRequested: true).derEncoded()
        for length in 0..<der.count {
            #expect(throws: TimeStampRequestError.self) { try TimeStampRequest(derEncoded: Array(der.prefix(length))) }
        }
    }

    @Test func aWrongLengthDigestIsRefusedWhenBuildingToo() {
        #expect(throws: TimeStampRequestError.digestLength(algorithm: .sha384, expected: 48, actual: 32)) {
            try TimeStampRequest(hashAlgorithm: .sha384, hashedMessage: HashAlgorithm.sha256.digest([1]))
        }
    }
}
