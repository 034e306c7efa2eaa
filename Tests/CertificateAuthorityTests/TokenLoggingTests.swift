import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import CertificateAuthority
import SigstoreKit
import Testing

@Suite struct TokenLoggingTests {
    @Test func tokensNeverReachTheLog() async throws {
        let ca = CAHarness()
        let capture = LogCapture()
        let app = Application(router: buildCARouter(authority: ca.authority, logger: capture.logger))
        let good = try await ca.emailToken()
        let expired = try await ca.emailToken(claims: ["exp": .integer(Int64(Date().timeIntervalSince1970) - 5)])
        try await app.test(.router) { client in
            for token in [good, expired] {
                let body = try Requests.publicKey(.init(), challenge: "alice@example.com", token: token)
                _ = try await client.execute(uri: "/api/v2/signingCert", method: .post, body: ByteBuffer(bytes: body))
            }
        }
        let lines = capture.all
        #expect(lines.count == 2)
        #expect(lines.contains { $0.contains("issued certificate") })
        #expect(lines.contains { $0.contains("expired") })
        for token in [good, expired] {
            // Any of the three JWS segments would leak: header+claims identify, the signature replays.
            for segment in token.split(separator: ".") {
                #expect(!lines.contains { $0.contains(segment) })
            }
        }
    }
}
