import Foundation
import Testing
@testable import SigstoreKit
import WireFormat

@Suite struct TrustedRootTests {
    static func message(_ text: String) -> String? {
        do { _ = try TrustedRoot(parsing: Array(text.utf8)); return nil } catch { return error.description }
    }

    static let minimalLog = #"{"baseUrl":"https://log.example","hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"MCowBQYDK2VwAyEAPn+AREHoBaZ7wgS1zBqpxmLSGnyhxXj4lFxSdWVB8o8=","keyDetails":"PKIX_ED25519","validFor":{"start":"2021-01-12T11:53:27Z"}},"logId":{"keyId":"AAAA"}}"#

    @Test func productionRootParses() throws {
        let root = try ConformanceFixtures.productionRoot()
        #expect(root.tlogs.count == 2)
        #expect(root.certificateAuthorities.count == 2)
        #expect(root.ctlogs.count >= 2)
        #expect(root.timestampAuthorities.count >= 1)
        #expect(root.tlogs[0].hostname == "rekor.sigstore.dev")
    }

    @Test func nullsReadAsAbsent() throws {
        let root = try TrustedRoot(parsing: ConformanceFixtures.bytes("assets/bundle-verify/trust-root-tlog-validity-end-inclusive/trusted_root.json"))
        #expect(root.tlogs[0].checkpointKeyID == nil)
        #expect(root.tlogs[0].operator == nil)
        #expect(root.tlogs[1].validFor?.end == nil)
    }

    @Test func badRootsGetExactMessages() {
        let log = Self.minimalLog
        #expect(Self.message("") == "invalid trusted root: not valid JSON: invalid JSON at byte 0: empty input")
        #expect(Self.message(#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","extra":1}"#)
            == #"invalid trusted root: unknown field "extra""#)
        #expect(Self.message(#"{"mediaType":"x"}"#) == #"invalid trusted root: unsupported mediaType "x""#)
        #expect(Self.message(#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[\#(log.dropLast()),"more":true}]}"#)
            == #"invalid trusted root: unknown field "tlogs[0].more""#)
        let noStart = log.replacingOccurrences(of: #"{"start":"2021-01-12T11:53:27Z"}"#, with: "{}")
        #expect(Self.message(#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[\#(noStart)]}"#)
            == "invalid trusted root: tlogs[0].publicKey.validFor.start is missing")
        let nullStart = log.replacingOccurrences(of: #"{"start":"2021-01-12T11:53:27Z"}"#, with: #"{"start":null}"#)
        #expect(Self.message(#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[\#(nullStart)]}"#)
            == "invalid trusted root: tlogs[0].publicKey.validFor.start is missing")
    }

    @Test func conformanceRootMissingStartIsRejected() throws {
        let bytes = try ConformanceFixtures.bytes("assets/bundle-verify/trust-root-tlog-missing-validity-start_fail/trusted_root.json")
        #expect(throws: TrustedRootError("tlogs[1].publicKey.validFor.start is missing")) { try TrustedRoot(parsing: bytes) }
    }

    @Test func encodeRoundTripsInTheFormSigstorePythonAccepts() throws {
        let root = try ConformanceFixtures.productionRoot()
        let again = try TrustedRoot(parsing: root.encoded())
        #expect(again == root)
        let json = try JSONValue(parsing: root.encoded())
        #expect(json["mediaType"] == .string(TrustedRoot.mediaTypeV01))
        #expect(json["ctlogs"]?.arrayValue != nil)
        #expect(json["tlogs"]?[0]?["publicKey"]?["validFor"]?["start"] == "2021-01-12T11:53:27Z")
    }

    @Test func validityWindowsAreClosed() throws {
        let start = Date(timeIntervalSince1970: 100), end = Date(timeIntervalSince1970: 200)
        let range = TimeRange(start: start, end: end)
        #expect(range.contains(start) && range.contains(end))
        #expect(!range.contains(end.addingTimeInterval(0.001)) && !range.contains(start.addingTimeInterval(-1)))
        #expect(TimeRange(start: start).contains(.distantFuture))
    }

    @Test func rfc3339() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parse("2022-12-31T23:59:59.999000Z")?.timeIntervalSince1970 == 1672531199.999)
        #expect(RFC3339.parse("1970-01-01T01:00:00+01:00") == Date(timeIntervalSince1970: 0))
        for bad in ["", "2021-02-30T00:00:00Z", "2021-01-01 00:00:00Z", "2021-01-01T00:00:00", "2021-01-01T00:00:00.Z"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1610452407)) == "2021-01-12T11:53:27Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1672531199.999)) == "2022-12-31T23:59:59.999Z")
    }
}

@Suite struct TrustedRootSigningConfigTests {
    static let service = SigningConfig.Service(url: "http://127.0.0.1:8082", majorAPIVersion: 1,
                                               validFor: TimeRange(start: Date(timeIntervalSince1970: 1_700_000_000)), operator: "sigil")

    @Test func clientTrustConfigRoundTrips() throws {
        let config = ClientTrustConfig(trustedRoot: try ConformanceFixtures.productionRoot(),
                                       signingConfig: SigningConfig(caURLs: [Self.service], rekorTlogURLs: [Self.service]))
        #expect(try ClientTrustConfig(parsing: config.encoded()) == config)
        let json = try JSONValue(parsing: config.encoded())
        #expect(json["signingConfig"]?["caUrls"]?[0]?["majorApiVersion"] == .integer(1))
        #expect(json["signingConfig"]?["rekorTlogConfig"]?["selector"] == "ANY")
    }

    @Test func nestedErrorsNameTheirPath() {
        let text = #"{"mediaType":"application/vnd.dev.sigstore.clienttrustconfig.v0.1+json","trustedRoot":{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","bogus":1},"signingConfig":{}}"#
        #expect(throws: TrustedRootError(#"unknown field "trustedRoot.bogus""#)) { try ClientTrustConfig(parsing: Array(text.utf8)) }
    }

    @Test func serviceSelectionPrefersHighestVersionNewestOnePerOperator() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var v2 = Self.service
        v2.majorAPIVersion = 2
        var newer = Self.service
        newer.url = "http://newer"
        newer.validFor = TimeRange(start: Date(timeIntervalSince1970: 1_750_000_000))
        var expired = Self.service
        expired.operator = "other"
        expired.validFor = TimeRange(start: .distantPast, end: Date(timeIntervalSince1970: 1))
        #expect(SigningConfig.select([Self.service, newer, expired, v2], supportedVersions: [1], at: now).map(\.url) == ["http://newer"])
        #expect(SigningConfig.select([Self.service, v2], supportedVersions: [1, 2], at: now).map(\.majorAPIVersion) == [2])
    }
}
