import Foundation
import Testing
@testable import SigstoreKit

@Suite struct BundleParsingTests {
    static func happyBytes(_ dir: String = "happy-path-v0.3-new-mediaType") throws -> [UInt8] {
        try ConformanceFixtures.bytes("assets/bundle-verify/\(dir)/bundle.sigstore.json")
    }

    static func message(_ bytes: [UInt8]) -> String? {
        do { _ = try SigstoreBundle(parsing: bytes); return nil } catch { return error.message }
    }

    @Test func badInputGetsExactMessages() {
        #expect(Self.message([]) == "the bundle is empty")
        #expect(Self.message(Array("hello".utf8))?.hasPrefix("not valid JSON: ") == true)
        #expect(Self.message(Array("[]".utf8)) == "the document must be a JSON object")
        #expect(Self.message(Array("{}".utf8)) == "mediaType is missing")
        #expect(Self.message(Array(#"{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=99.9"}"#.utf8))
            == #"unsupported bundle mediaType "application/vnd.dev.sigstore.bundle+json;version=99.9""#)
        #expect(Self.message(Array(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","x":1}"#.utf8))
            == #"unknown field "x""#)
    }

    @Test func everyTruncationThrowsABundleError() throws {
        let bytes = try Self.happyBytes()
        for n in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: BundleError.self) { try SigstoreBundle(parsing: bytes.prefix(n)) }
        }
    }

    @Test func conformanceFormatCasesGetExactMessages() throws {
        #expect(Self.message(try Self.happyBytes("bundle-unknown-version_fail"))
            == #"unsupported bundle mediaType "application/vnd.dev.sigstore.bundle+json;version=99.9""#)
        #expect(Self.message(try Self.happyBytes("bundle-negative-log-index_fail"))
            == "verificationMaterial.tlogEntries[0].logIndex must not be negative")
        #expect(Self.message(try Self.happyBytes("bundle-invalid-base64-signature_fail"))
            == "messageSignature.signature is not valid base64")
        #expect(Self.message(try Self.happyBytes("bundle-empty-certificate-chain_fail"))
            == "verificationMaterial.x509CertificateChain.certificates is empty")
        #expect(Self.message(try Self.happyBytes("bundle-malformed-json_fail"))?.hasPrefix("not valid JSON: ") == true)
    }

    @Test(arguments: ["happy-path-v0.1", "happy-path-v0.2", "happy-path-v0.3", "happy-path-v0.3-new-mediaType",
                      "rekor2-dsse-happy-path", "managed-key-happy-path", "intoto-with-custom-trust-root"])
    func realBundlesParseAndRoundTrip(_ dir: String) throws {
        let bundle = try SigstoreBundle(parsing: try Self.happyBytes(dir))
        #expect(try SigstoreBundle(parsing: bundle.encoded()) == bundle)
    }

    @Test func mediaTypeSpellings() throws {
        #expect(BundleMediaType(mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3") == .v0_3)
        #expect(BundleMediaType(mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json") == .v0_3)
        #expect(BundleMediaType(mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1") == .v0_1)
        #expect(BundleMediaType(mediaType: "application/vnd.dev.sigstore.bundle.v0.4+json") == nil)
    }
}
