import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import SigstoreKit
import Testing
import TimestampAuthority
import WireFormat
import X509

/// The HTTP API in process: both request forms, the chain, and every refusal as JSON.
@Suite struct TSARouterTests {
    let signature = Array("signature bytes".utf8)

    var app: some ApplicationProtocol { Application(router: buildTSARouter(issuer: TimestampIssuer(signer: TSAFixtures.signer))) }

    func post(_ body: [UInt8], contentType: String?) async throws -> (status: HTTPResponse.Status, type: String?, body: [UInt8]) {
        try await app.test(.router) { client in
            var headers: HTTPFields = [:]
            if let contentType { headers[.contentType] = contentType }
            return try await client.execute(uri: "/api/v1/timestamp", method: .post, headers: headers, body: ByteBuffer(bytes: body)) {
                ($0.status, $0.headers[.contentType], Array(buffer: $0.body))
            }
        }
    }

    @Test func aDERQueryGetsAReplyThatVerifies() async throws {
        let request = try TSAFixtures.request(signature, nonce: [42])
        let (status, type, body) = try await post(request.derEncoded(), contentType: "application/timestamp-query")
        #expect(status == .ok && type == "application/timestamp-reply")
        _ = try await TimestampVerifier.verify(response: body, signature: signature, authorities: [TSAFixtures.authority])
        #expect(try TimeStampToken(response: body).info.nonce == [42])
    }

    @Test func theJSONFormGetsAReplyToo() async throws {
        let json = #"{"artifactHash":"\#(StrictBase64.encode(HashAlgorithm.sha384.digest(signature)))","hashAlgorithm":"sha384","#
            + #""nonce":1234567,"certificates":true,"tsaPolicyOID":"1.3.6.1.4.1.57264.2"}"#
        let (status, type, body) = try await post(Array(json.utf8), contentType: "application/json")
        #expect(status == .ok && type == "application/timestamp-reply", "\(String(decoding: body, as: UTF8.self))")
        _ = try await TimestampVerifier.verify(response: body, signature: signature, authorities: [TSAFixtures.authority])
        let token = try TimeStampToken(response: body)
        #expect(token.info.nonce == [0x12, 0xD6, 0x87] && token.certificates.count == 1)
    }

    @Test func theChainIsPEMLeafFirst() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/timestamp/certchain", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/pem-certificate-chain")
                let text = String(buffer: response.body)
                let certificates = try PEMDecoding.blocks(in: text).map { try Certificate(derEncoded: $0.der) }
                #expect(certificates == TSAFixtures.material.chain)
            }
        }
    }

    static let refusals: [(name: String, body: [UInt8], contentType: String?, status: HTTPResponse.Status, message: String)] = [
        ("no content type", [1], nil, .unsupportedMediaType, "Content-Type must be"),
        ("wrong content type", TSAFixtures.der(), "text/plain", .unsupportedMediaType, "Content-Type must be"),
        ("a 1 MB request", [UInt8](repeating: 0x30, count: 1 << 20), "application/timestamp-query", .contentTooLarge,
         "request body is larger than 4096 bytes"),
        ("garbage", Array("hello".utf8), "application/timestamp-query", .badRequest, "malformed TimeStampReq"),
        ("truncated", Array(TSAFixtures.der().dropLast(3)), "application/timestamp-query", .badRequest, "malformed TimeStampReq"),
        ("SHA-1", TSAFixtures.der(algorithm: [1, 3, 14, 3, 2, 26], digest: .init(repeating: 1, count: 20)), "application/timestamp-query",
         .badRequest, "SHA-1 is too weak"),
        ("unknown hash OID", TSAFixtures.der(algorithm: [1, 2, 3, 4]), "application/timestamp-query", .badRequest,
         "hash algorithm 1.2.3.4 is not supported"),
        ("wrong digest length", TSAFixtures.der(digest: [1, 2, 3]), "application/timestamp-query", .badRequest,
         "the message imprint is 3 bytes, but a sha256 digest is 32"),
        ("unaccepted policy", try! TSAFixtures.request([1], policy: "1.2.3.4").derEncoded(), "application/timestamp-query",
         .badRequest, "TSA policy 1.2.3.4 is not accepted"),
        ("extensions", TSAFixtures.der(extensions: true), "application/timestamp-query", .badRequest, "request extensions are not accepted"),
        ("JSON SHA-1", Array(#"{"artifactHash":"AAAAAAAAAAAAAAAAAAAAAAAAAAA=","hashAlgorithm":"sha1"}"#.utf8), "application/json",
         .badRequest, "SHA-1 is too weak"),
        ("JSON unknown member", Array(#"{"artifactHash":"AA==","hashAlgorithm":"sha256","x":1}"#.utf8), "application/json",
         .badRequest, "unknown member"),
        ("JSON wrong length", Array(#"{"artifactHash":"AA==","hashAlgorithm":"sha256"}"#.utf8), "application/json",
         .badRequest, "the message imprint is 1 bytes"),
    ]

    @Test(arguments: 0..<refusals.count)
    func refusalsAreJSONWithAReason(_ index: Int) async throws {
        let refusal = Self.refusals[index]
        let (status, type, body) = try await post(refusal.body, contentType: refusal.contentType)
        #expect(status == refusal.status, "\(refusal.name)")
        #expect(type == "application/json", "\(refusal.name)")
        let json = try JSONValue(parsing: body)
        #expect(json["code"]?.integerValue == Int64(refusal.status.code), "\(refusal.name)")
        let message = json["message"]?.stringValue ?? ""
        #expect(message.contains(refusal.message), "\(refusal.name): \(message)")
    }
}
