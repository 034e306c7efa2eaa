import Crypto
import Foundation
@testable import CertificateAuthority
import SigstoreKit
import Testing
import X509

@Suite struct ConcurrencyTests {
    /// Concurrent first requests share one JWKS fetch, and every certificate gets its own serial.
    @Test func concurrentRequestsShareOneKeyFetchAndGetDistinctSerials() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken()
        let count = 40
        let started = ContinuousClock.now
        let serials = try await withThrowingTaskGroup(of: Certificate.SerialNumber.self) { group in
            for _ in 0..<count {
                group.addTask {
                    let request = try SigningCertificateRequest(json: Requests.csr(P256.Signing.PrivateKey()), bearerToken: token)
                    return try await ca.authority.issue(request)[0].serialNumber
                }
            }
            return try await group.reduce(into: Set()) { $0.insert($1) }
        }
        let elapsed = ContinuousClock.now - started
        #expect(serials.count == count)
        #expect(ca.fetcher.fetches == 1)
        #expect(ca.ctLog.submissions == count)
        print("issued \(count) certificates in \(elapsed) (debug build)")
    }
}
