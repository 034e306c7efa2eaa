import Foundation
@testable import CertificateAuthority
import SigstoreKit
import Synchronization
import WireFormat

/// Serves a JWKS per exact issuer URL, which a test can change between fetches, with the
/// `maxAge` a response would advertise; counts fetches per URL byte for byte, so a test can tell
/// `…/Kelvin` from `…/\u{212A}elvin` (KELVIN SIGN).
final class ScriptedKeyFetcher: OIDCKeyFetcher {
    struct Answer: Sendable {
        var jwks: JSONValue
        var maxAge: Double?
    }

    private let state = Mutex<(answers: [ExactString: Answer], fetches: [ExactString: Int])>(([:], [:]))
    /// Issuers whose fetches wait until `releaseStalled()`, the fetches waiting, and whether released.
    private let stalls = Mutex<(issuers: Set<ExactString>, waiting: [CheckedContinuation<Void, Never>], released: Bool)>(([], [], false))

    /// Fetches of `issuerURL` wait (an issuer host that does not answer) until `releaseStalled()`.
    func stall(_ issuerURL: String) {
        stalls.withLock { _ = $0.issuers.insert(ExactString(issuerURL)) }
    }

    /// How many fetches are waiting on a stall.
    var stalledFetches: Int { stalls.withLock { $0.waiting.count } }

    /// Lets every stalled fetch, and any later one, go on.
    func releaseStalled() {
        let waiting = stalls.withLock { stalls in
            stalls.released = true
            defer { stalls.waiting = [] }
            return stalls.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func serve(_ issuerURL: String, jwks: JSONValue, maxAge: Double? = nil) {
        state.withLock { $0.answers[ExactString(issuerURL)] = Answer(jwks: jwks, maxAge: maxAge) }
    }

    func fetches(of issuerURL: String) -> Int {
        state.withLock { $0.fetches[ExactString(issuerURL)] ?? 0 }
    }

    func fetchKeys(issuerURL: String) async throws(TokenError) -> FetchedKeySet {
        if stalls.withLock({ $0.issuers.contains(ExactString(issuerURL)) && !$0.released }) {
            await withCheckedContinuation { continuation in
                let waits = stalls.withLock { stalls in
                    if !stalls.released { stalls.waiting.append(continuation) }
                    return !stalls.released
                }
                if !waits { continuation.resume() }
            }
        }
        let answer = state.withLock { state -> Answer? in
            state.fetches[ExactString(issuerURL), default: 0] += 1
            return state.answers[ExactString(issuerURL)]
        }
        guard let answer else { throw .discoveryFailed(issuer: issuerURL, reason: "no such issuer") }
        return FetchedKeySet(keys: try JSONWebKeySet(json: CanonicalJSON.encode(answer.jwks)), maxAge: answer.maxAge)
    }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
