import Foundation
@testable import CertificateAuthority
import OIDCIssuer
import SigstoreKit
import Synchronization
import Testing
import WireFormat

/// `JWKSCache`: entries keyed by the issuer URL's bytes, and lifetimes taken from the issuer's
/// `Cache-Control`, bounded.
@Suite struct JWKSCacheTests {
    static let kelvin = "http://127.0.0.1:5556/realms/Kelvin"
    /// U+212A KELVIN SIGN: `==` to `kelvin` as a Swift `String`, different bytes.
    static let kelvinSign = "http://127.0.0.1:5556/realms/\u{212A}elvin"
    static let attackerRS256 = try! OIDCSigningKey.generateRS256()

    /// Whether some key `cache` offers for the token's issuer and kid verifies the token's signature.
    static func verifies(_ token: String, issuer: String, cache: JWKSCache) async throws -> Bool {
        let jwt = try CompactJWT(token)
        let keys = try await cache.candidates(issuer: issuer, kid: jwt.header["kid"]?.stringValue)
        return keys.contains { $0.isValidSignature(jwt.signature, for: jwt.signingInput) }
    }

    @Test func issuersDifferingOnlyByCanonicalEquivalenceKeepSeparateEntries() async throws {
        #expect(Self.kelvin == Self.kelvinSign, "the premise: Swift String == calls them equal")
        let real = CAFixtures.oidcIssuer(url: Self.kelvin)
        let lookalike = CAFixtures.oidcIssuer(url: Self.kelvinSign, rs256: Self.attackerRS256, es256: .generateES256())
        let fetcher = ScriptedKeyFetcher()
        fetcher.serve(Self.kelvin, jwks: await real.jwks())
        fetcher.serve(Self.kelvinSign, jwks: await lookalike.jwks())
        let cache = JWKSCache(fetcher: fetcher, now: { Date() })

        for algorithm in [OIDCSigningKey.Algorithm.es256, .rs256] {
            let realToken = try await real.mintToken(subject: nil, email: "victim@example.com", algorithm: algorithm)
            let fakeToken = try await lookalike.mintToken(subject: nil, email: "victim@example.com", algorithm: algorithm)
            // Alternating lookups: were the two sharing a slot, each would find the other's keys
            // (or evict them and refetch).
            for _ in 0..<3 {
                #expect(try await Self.verifies(realToken, issuer: Self.kelvin, cache: cache))
                #expect(try await Self.verifies(fakeToken, issuer: Self.kelvinSign, cache: cache))
                #expect(try await !Self.verifies(fakeToken, issuer: Self.kelvin, cache: cache), "\(algorithm)")
                #expect(try await !Self.verifies(realToken, issuer: Self.kelvinSign, cache: cache), "\(algorithm)")
            }
        }
        // One fetch each: the unknown-kid refetches above are rate limited, nothing was evicted.
        #expect(fetcher.fetches(of: Self.kelvin) == 1)
        #expect(fetcher.fetches(of: Self.kelvinSign) == 1)
    }

    @Test func keyIDsMatchByBytes() async throws {
        let jwks = try JSONWebKeySet(json: CanonicalJSON.encode(await CAFixtures.oidcIssuer().jwksWithKeyID("Kid-1")))
        #expect(jwks.candidates(kid: "Kid-1").count == 1)
        #expect(jwks.candidates(kid: "\u{212A}id-1").isEmpty, "KELVIN SIGN is not K")
    }

    @Test func aRemovedKeyStopsVerifyingOnceTheAdvertisedMaxAgeIsOver() async throws {
        let clock = ManualClock()
        let issuer = CAFixtures.oidcIssuer()
        let token = try await issuer.mintToken(subject: nil, email: "alice@example.com")
        let fetcher = ScriptedKeyFetcher()
        fetcher.serve(CAFixtures.plainIssuerURL, jwks: await issuer.jwks(), maxAge: 300)
        let cache = JWKSCache(fetcher: fetcher, now: { clock.now })
        #expect(try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))

        // The issuer drops the key (compromised, say); the CA holds its copy until max-age runs out.
        fetcher.serve(CAFixtures.plainIssuerURL, jwks: ["keys": []], maxAge: 300)
        clock.advance(299)
        #expect(try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
        #expect(fetcher.fetches(of: CAFixtures.plainIssuerURL) == 1)
        clock.advance(1)
        #expect(try await !Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
        #expect(fetcher.fetches(of: CAFixtures.plainIssuerURL) == 2)
    }

    @Test func withoutCacheControlTheKeysLiveForTheDefaultHour() async throws {
        let clock = ManualClock()
        let issuer = CAFixtures.oidcIssuer()
        let token = try await issuer.mintToken(subject: nil, email: "alice@example.com")
        let fetcher = ScriptedKeyFetcher()
        fetcher.serve(CAFixtures.plainIssuerURL, jwks: await issuer.jwks())
        let cache = JWKSCache(fetcher: fetcher, now: { clock.now })
        #expect(try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
        fetcher.serve(CAFixtures.plainIssuerURL, jwks: ["keys": []])
        clock.advance(3599)
        #expect(try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
        clock.advance(1)
        #expect(try await !Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
    }

    @Test func aFailedFetchIsRememberedBrieflyNotRepeatedForEveryToken() async throws {
        let clock = ManualClock()
        let issuer = CAFixtures.oidcIssuer()
        let token = try await issuer.mintToken(subject: nil, email: "alice@example.com")
        let fetcher = ScriptedKeyFetcher()   // serves nothing yet: the issuer is down
        let cache = JWKSCache(fetcher: fetcher, now: { clock.now }, failureBackoff: 5)
        for attempt in 0..<10 {
            await #expect {
                _ = try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache)
            } throws: { error in
                guard case .discoveryFailed(_, let reason) = error as? TokenError else { return false }
                return reason.contains("no such issuer") && (attempt == 0) != reason.contains("asks again 5 s after")
            }
        }
        #expect(fetcher.fetches(of: CAFixtures.plainIssuerURL) == 1, "one fetch while the failure is remembered")

        // Back up: the first token after the backoff fetches again and succeeds.
        fetcher.serve(CAFixtures.plainIssuerURL, jwks: await issuer.jwks())
        clock.advance(4)
        await #expect(throws: TokenError.self) { _ = try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache) }
        clock.advance(1)
        #expect(try await Self.verifies(token, issuer: CAFixtures.plainIssuerURL, cache: cache))
        #expect(fetcher.fetches(of: CAFixtures.plainIssuerURL) == 2)
    }

    @Test(.timeLimit(.minutes(1))) func newIssuersOnAStalledHostCannotCrowdOutAKnownOne() async throws {
        let clock = ManualClock()
        let host = "https://oidc.example.com"
        let known = host + "/known"
        let issuer = CAFixtures.oidcIssuer(url: known)
        let token = try await issuer.mintToken(subject: nil, email: "alice@example.com")
        let fetcher = ScriptedKeyFetcher()
        fetcher.serve(known, jwks: await issuer.jwks(), maxAge: 60)
        let cache = JWKSCache(fetcher: fetcher, now: { clock.now }, maximumNewIssuerFetchesPerHost: 2)
        #expect(try await Self.verifies(token, issuer: known, cache: cache))

        // Made-up issuers under a meta-issuer pattern, on the same host, which does not answer them.
        let madeUp = (0..<3).map { "\(host)/made-up-\($0)" }
        for url in madeUp { fetcher.stall(url) }
        defer { fetcher.releaseStalled() }
        let running = (0..<2).map { n in Task { try await cache.candidates(issuer: madeUp[n], kid: nil) } }
        for _ in 0..<2_000 where fetcher.stalledFetches < 2 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(fetcher.stalledFetches == 2, "both made-up issuers' fetches are waiting on the host")
        // Refused at once; without the limit it would stall like the others (then released, so the
        // test fails rather than hangs).
        let thirdEnded = Mutex(false)
        let third = Task {
            defer { thirdEnded.withLock { $0 = true } }
            return try await cache.candidates(issuer: madeUp[2], kid: nil)
        }
        while !thirdEnded.withLock({ $0 }), fetcher.stalledFetches < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fetcher.stalledFetches == 2, "a third new issuer's fetch went to the stalled host")
        if fetcher.stalledFetches > 2 { fetcher.releaseStalled() }
        await #expect {
            _ = try await third.value
        } throws: { error in
            guard case .discoveryBusy(let named, let busyHost) = error as? TokenError else { return false }
            return named == madeUp[2] && busyHost == "https://oidc.example.com:443"
        }
        #expect(fetcher.fetches(of: madeUp[2]) == 0, "refused before any request to the host")
        #expect(IssuanceError.token(.discoveryBusy(issuer: madeUp[2], host: host)).status == .serviceUnavailable)

        // A configured exact issuer on that host is fetched all the same.
        let exact = host + "/configured"
        fetcher.serve(exact, jwks: await issuer.jwks())
        #expect(try await !cache.candidates(issuer: exact, kid: nil, boundedFirstFetch: false).isEmpty)

        // The known issuer's keys expire meanwhile: its refresh is not held behind the made-up ones,
        // and neither is a new issuer on another host.
        clock.advance(61)
        #expect(try await Self.verifies(token, issuer: known, cache: cache))
        #expect(fetcher.fetches(of: known) == 2)
        await #expect(throws: TokenError.self) { _ = try await cache.candidates(issuer: "https://other.example.org/new", kid: nil) }
        #expect(fetcher.fetches(of: "https://other.example.org/new") == 1)

        // Once the stalled fetches end (as failures), the refused issuer was not remembered as failed:
        // its next token fetches.
        fetcher.releaseStalled()
        for task in running { _ = try? await task.value }
        await #expect {
            _ = try await cache.candidates(issuer: madeUp[2], kid: nil)
        } throws: { error in
            guard case .discoveryFailed = error as? TokenError else { return false }
            return true
        }
        #expect(fetcher.fetches(of: madeUp[2]) == 1)
    }

    @Test func rememberedFailuresStayPerIssuerBoundedAndNeverOutliveAClockStep() async throws {
        let clock = ManualClock()
        let fetcher = ScriptedKeyFetcher()   // every issuer is down
        let cache = JWKSCache(fetcher: fetcher, now: { clock.now }, failureBackoff: 5)
        let down = "https://down.example"
        _ = try? await cache.candidates(issuer: down, kid: nil)
        clock.advance(0.001)
        // A flood of made-up issuers (a meta-issuer pattern allows any number) fills the map; the
        // oldest is dropped one at a time, so the flood costs one fetch each and never clears it all.
        for k in 0..<(JWKSCache.maximumRememberedFailures - 1) { _ = try? await cache.candidates(issuer: "https://made-up-\(k).example", kid: nil) }
        _ = try? await cache.candidates(issuer: down, kid: nil)
        #expect(fetcher.fetches(of: down) == 1, "the down issuer's failure survived a full map")
        _ = try? await cache.candidates(issuer: "https://one-more.example", kid: nil)
        _ = try? await cache.candidates(issuer: down, kid: nil)
        #expect(fetcher.fetches(of: down) == 2, "past the bound, the oldest failure (the down issuer's) went first")
        // The wall clock stepped back an hour: the failure is not "recent" for an hour more.
        clock.advance(-3600)
        _ = try? await cache.candidates(issuer: down, kid: nil)
        #expect(fetcher.fetches(of: down) == 3)
    }

    @Test(arguments: [
        (advertised: nil, expected: 3600.0),        // no header: the default
        (advertised: 0, expected: 60),              // no-store / no-cache / max-age=0: the floor
        (advertised: 5, expected: 60),
        (advertised: 300, expected: 300),
        (advertised: 86_400, expected: 3600),       // a removed key is trusted for an hour at most
        (advertised: 2_147_483_648, expected: 3600),
    ] as [(advertised: Double?, expected: Double)])
    func advertisedLifetimesAreBounded(advertised: Double?, expected: Double) async {
        let cache = JWKSCache(fetcher: ScriptedKeyFetcher(), now: { Date() })
        #expect(await cache.lifetime(advertised: advertised) == expected)
    }
}

extension OIDCIssuer {
    /// This issuer's JWKS with every `kid` replaced by `kid`.
    func jwksWithKeyID(_ kid: String) async -> JSONValue {
        let keys = (await jwks()["keys"]?.arrayValue ?? []).prefix(1).map { key -> JSONValue in
            var object = key.objectValue ?? [:]
            object["kid"] = .string(kid)
            return .object(object)
        }
        return ["keys": .array(keys)]
    }
}
