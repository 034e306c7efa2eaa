import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import CertificateAuthority
import Logging
import NIOCore
import OIDCIssuer
import ServiceLifecycle
import SigstoreKit
import Testing
import X509

/// The production network pieces, over real loopback HTTP: `HTTPOIDCKeyFetcher` discovers the
/// development issuer's JWKS, and `HTTPCTLogSubmitter` talks RFC 6962 `add-pre-chain` to a CT log.
@Suite struct LiveServicesTests {
    @Test func issuanceOverHTTPWithDiscoveryAndCTSubmission() async throws {
        let port = try FreePort.find()
        let issuerURL = "http://127.0.0.1:\(port)"
        let oidc = CAFixtures.oidcIssuer(url: issuerURL)
        let ctLog = FakeCTLog()
        let ctApp = Application(router: Self.ctRouter(ctLog), configuration: .init(address: .hostname("127.0.0.1", port: 0)))

        try await RunningServer.with(router: buildOIDCRouter(issuer: oidc), port: port) {
            try await ctApp.test(.live) { ctClient in
                let ctPort = try #require(ctClient.port)
                let issuers = IssuerPool([try IssuerConfiguration(url: issuerURL, type: .email)])
                let authority = CertificateIssuer(
                    keys: CAFixtures.caKeys.material,
                    validator: TokenValidator(issuers: issuers, keyFetcher: HTTPOIDCKeyFetcher()),
                    ctLog: HTTPCTLogSubmitter(logURL: "http://127.0.0.1:\(ctPort)/"),
                    options: .init(ctLogKey: CAFixtures.ctKey.verificationKey))
                let token = try await oidc.mintToken(subject: nil, email: "bob@example.com", algorithm: .rs256)
                let key = P256.Signing.PrivateKey()
                let request = try SigningCertificateRequest(json: Requests.csr(key), bearerToken: token)
                let chain = try await authority.issue(request)
                #expect(try chain[0].extensions.subjectAlternativeNames.map(Array.init) == [.rfc822Name("bob@example.com")])
                #expect(ctLog.submissions == 1)

                // A key the issuer rotates in later is found by one refetch on the unknown kid.
                let replacement = OIDCSigningKey.generateES256()
                await oidc.rotate(to: replacement)
                let rotated = try await oidc.mintToken(subject: nil, email: "bob@example.com")
                let fresh = CertificateIssuer(
                    keys: CAFixtures.caKeys.material,
                    validator: TokenValidator(issuers: issuers, keyFetcher: HTTPOIDCKeyFetcher()),
                    ctLog: HTTPCTLogSubmitter(logURL: "http://127.0.0.1:\(ctPort)"))
                _ = try await fresh.issue(try SigningCertificateRequest(json: Requests.csr(key), bearerToken: rotated))
            }
        }
    }

    @Test func discoveryWithAMismatchedIssuerIsRefused() async throws {
        let port = try FreePort.find()
        // The issuer serves discovery for 127.0.0.1, but the CA is configured with `localhost`.
        let oidc = CAFixtures.oidcIssuer(url: "http://127.0.0.1:\(port)")
        try await RunningServer.with(router: buildOIDCRouter(issuer: oidc), port: port) {
            let fetcher = HTTPOIDCKeyFetcher()
            await #expect(throws: TokenError.self) { try await fetcher.fetchKeys(issuerURL: "http://localhost:\(port)") }
        }
    }

    /// A minimal RFC 6962 `add-pre-chain` endpoint in front of `FakeCTLog`.
    static func ctRouter(_ log: FakeCTLog) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/ct/v1/add-pre-chain") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let doc = try JSONValue(parsing: Array(buffer: body))
            let chain = try #require(doc["chain"]?.arrayValue).map { try #require(StrictBase64.decode($0.stringValue ?? "")) }
            let sct = try await log.submitPrecertificate(chain: chain)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: AddChainResponse.encode(sct))))
        }
        return router
    }
}

/// Runs a router on a fixed loopback port (HummingbirdTesting's `.live` always picks its own port,
/// but an issuer must know its URL before it starts).
enum RunningServer {
    static func with<Context: RequestContext>(router: Router<Context>, port: Int,
                                              _ body: @Sendable () async throws -> Void) async throws
        where Context.Source == ApplicationRequestContextSource
    {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { _ in signal.yield(); signal.finish() })
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in started { break }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// A loopback TCP port nobody is listening on right now (bind to 0, read it back, close).
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw TestFailure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw TestFailure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

@Suite struct KeyFetcherOverrideTests {
    @Test func overridesRewriteTheLongestMatchingPrefix() {
        let fetcher = HTTPOIDCKeyFetcher(baseURLOverrides: ["http://127.0.0.1:5556": "http://oidc:5556",
                                                            "http://127.0.0.1:5556/actions": "http://actions:80"])
        #expect(fetcher.reachable("http://127.0.0.1:5556/jwks") == "http://oidc:5556/jwks")
        #expect(fetcher.reachable("http://127.0.0.1:5556/actions/jwks") == "http://actions:80/jwks")
        #expect(fetcher.reachable("https://accounts.google.com/x") == "https://accounts.google.com/x")
    }
}
