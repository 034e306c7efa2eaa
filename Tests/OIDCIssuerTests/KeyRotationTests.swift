import Foundation
@testable import OIDCIssuer
import Synchronization
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

@Suite struct KeyRotationTests {
    @Test func retiredKeyStaysPublishedUntilItsTokensExpire() async throws {
        let clock = TestClock()
        let issuer = OIDCTestFixtures.issuer(now: { clock.now })
        let oldKID = await issuer.activeKeyID(for: .es256)
        let replacement = OIDCSigningKey.generateES256()
        await issuer.rotate(to: replacement)
        #expect(await issuer.activeKeyID(for: .es256) == replacement.keyID)

        func kids() async -> [String] {
            await issuer.jwks()["keys"]?.arrayValue?.compactMap { $0["kid"]?.stringValue } ?? []
        }
        #expect(await kids().contains(oldKID))
        #expect(await kids().contains(replacement.keyID))
        clock.advance(600)
        #expect(await kids().contains(oldKID), "a token minted just before rotation is still valid")
        clock.advance(61)
        #expect(await !kids().contains(oldKID))
        #expect(await kids().count == 2)
    }

    @Test func keysRoundTripThroughPEM() throws {
        let rsa = try OIDCSigningKey(pem: OIDCTestFixtures.rs256.pemRepresentation)
        #expect(rsa.keyID == OIDCTestFixtures.rs256.keyID)
        #expect(rsa.algorithm == .rs256)
        let ec = try OIDCSigningKey(pem: OIDCTestFixtures.es256.pemRepresentation)
        #expect(ec.keyID == OIDCTestFixtures.es256.keyID)
        #expect(throws: OIDCIssuerError.unreadableKey) { try OIDCSigningKey(pem: "not a key") }
    }

    @Test func ringRefusesSwappedKeys() {
        #expect(throws: OIDCIssuerError.self) {
            try OIDCKeyRing(rs256: OIDCTestFixtures.es256, es256: OIDCTestFixtures.rs256)
        }
    }
}
