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
import TestSupport
import Testing
import X509
import WireFormat

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
                    ctLog: HTTPCTLogSubmitter(logURL: "http://127.0.0.1:\(ctPort)/"), metrics: IssuanceMetrics(),
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
                    ctLog: HTTPCTLogSubmitter(logURL: "http://127.0.0.1:\(ctPort)"), metrics: IssuanceMetrics())
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

    @Test func jwksCacheControlAndAgeAreRead() async throws {
        let port = try FreePort.find()
        let issuerURL = "http://127.0.0.1:\(port)"
        let oidc = CAFixtures.oidcIssuer(url: issuerURL)
        let discovery = CanonicalJSON.encode(oidc.discoveryDocument(actions: false))
        let jwks = CanonicalJSON.encode(await oidc.jwks())
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ in Self.json(discovery) }
        router.get("/jwks") { _, _ in
            Self.json(jwks, headers: [.cacheControl: "public, max-age=123", .age: "23"])
        }
        try await RunningServer.with(router: router, port: port) {
            let fetched = try await HTTPOIDCKeyFetcher().fetchKeys(issuerURL: issuerURL)
            #expect(fetched.maxAge == 100)
            #expect(!fetched.keys.keys.isEmpty)
        }
    }

    @Test func aJWKSTrickledByteByByteFailsWithinTheFetchTimeout() async throws {
        let port = try FreePort.find()
        let issuerURL = "http://127.0.0.1:\(port)"
        let oidc = CAFixtures.oidcIssuer(url: issuerURL)
        let discovery = CanonicalJSON.encode(oidc.discoveryDocument(actions: false))
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ in Self.json(discovery) }
        // Its head at once, then a byte every 200 ms: AsyncHTTPClient's deadline ends at the head.
        router.get("/jwks") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                for byte in Array(#"{"keys":[]}"#.utf8) + Array(repeating: UInt8(ascii: " "), count: 40) {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await Task.sleep(for: .milliseconds(200))
                }
                try await writer.finish(nil)
            })
        }
        try await RunningServer.with(router: router, port: port) {
            let start = ContinuousClock.now
            await #expect {
                _ = try await HTTPOIDCKeyFetcher(timeout: .seconds(1)).fetchKeys(issuerURL: issuerURL)
            } throws: { error in
                guard case .discoveryFailed(_, let reason) = error as? TokenError else { return false }
                return reason.contains("within 1.0 s")
            }
            // The body takes over 10 s to arrive; the bound is loose because the whole suite, run in
            // parallel on two cores, can delay a timer by seconds (1.4 s alone, 5.2 s in the suite).
            #expect(ContinuousClock.now - start < .seconds(9), "the 10 s body is cut off by the 1 s fetch timeout")
        }
    }

    /// A discovery document naming a JWKS URL with a port NIO cannot hold is refused; AsyncHTTPClient
    /// would trap on it and take the whole CA down.
    @Test func aJWKSURLWithAnImpossiblePortIsRefused() async throws {
        let port = try FreePort.find()
        let issuerURL = "http://127.0.0.1:\(port)"
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ in
            Self.json(CanonicalJSON.encode(["issuer": .string(issuerURL), "jwks_uri": "http://127.0.0.1:70000/jwks"]))
        }
        try await RunningServer.with(router: router, port: port) {
            await #expect {
                _ = try await HTTPOIDCKeyFetcher().fetchKeys(issuerURL: issuerURL)
            } throws: { error in
                guard case .discoveryFailed(_, let reason) = error as? TokenError else { return false }
                return reason.contains("port 70000")
            }
        }
    }

    @Test func discoveryNamingALookalikeIssuerIsRefused() async throws {
        let port = try FreePort.find()
        let configured = "http://127.0.0.1:\(port)/realms/Kelvin"
        // U+212A KELVIN SIGN: canonically equivalent to `K`, so `String ==` would accept it.
        let named = "http://127.0.0.1:\(port)/realms/\u{212A}elvin"
        let router = Router()
        router.get("/realms/Kelvin/.well-known/openid-configuration") { _, _ in
            Self.json(CanonicalJSON.encode(["issuer": .string(named), "jwks_uri": .string(configured + "/jwks")]))
        }
        try await RunningServer.with(router: router, port: port) {
            await #expect(throws: TokenError.discoveryFailed(issuer: configured, reason: "discovery document names a different issuer")) {
                try await HTTPOIDCKeyFetcher().fetchKeys(issuerURL: configured)
            }
        }
    }

    static func json(_ body: [UInt8], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
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

@Suite struct KeyFetcherOverrideTests {
    @Test func overridesRewriteTheLongestMatchingPrefix() {
        let fetcher = HTTPOIDCKeyFetcher(baseURLOverrides: ["http://127.0.0.1:5556": "http://oidc:5556",
                                                            "http://127.0.0.1:5556/actions": "http://actions:80"])
        #expect(fetcher.reachable("http://127.0.0.1:5556/jwks") == "http://oidc:5556/jwks")
        #expect(fetcher.reachable("http://127.0.0.1:5556/actions/jwks") == "http://actions:80/jwks")
        #expect(fetcher.reachable("https://accounts.google.com/x") == "https://accounts.google.com/x")
    }

    @Test func overridesMatchPrefixesByBytes() {
        // Two keys that `String ==` calls equal: as `[String: String]` this literal would trap.
        let fetcher = HTTPOIDCKeyFetcher(baseURLOverrides: ["http://h/realms/Kelvin": "http://real:1",
                                                            "http://h/realms/\u{212A}elvin": "http://fake:2"])
        #expect(fetcher.reachable("http://h/realms/Kelvin/jwks").isExactly("http://real:1/jwks"))
        #expect(fetcher.reachable("http://h/realms/\u{212A}elvin/jwks").isExactly("http://fake:2/jwks"))
        let only = HTTPOIDCKeyFetcher(baseURLOverrides: ["http://h/realms/Kelvin": "http://real:1"])
        #expect(only.reachable("http://h/realms/\u{212A}elvin/jwks").isExactly("http://h/realms/\u{212A}elvin/jwks"))
        // A multi-byte character right after the prefix survives the rewrite.
        #expect(only.reachable("http://h/realms/Kelvin\u{301}/x").isExactly("http://real:1\u{301}/x"))
    }
}
