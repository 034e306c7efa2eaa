import Foundation
import SigstoreKit
import WireFormat

/// Caches each issuer's JWKS for as long as the issuer's `Cache-Control` allows, bounded to
/// `minimumLifetime...maximumLifetime` (`defaultLifetime` when it says nothing). An expired entry
/// is refetched before it is used again, so a key the issuer removed stops verifying tokens once
/// its advertised lifetime is over, not only when some token names an unknown `kid`.
///
/// A token whose `kid` is not cached also triggers one refetch (the issuer may have rotated), but
/// at most one per `minimumRefreshInterval` per issuer, so a stream of tokens with made-up key IDs
/// can't turn the CA into a traffic amplifier. Concurrent misses for the same issuer share one fetch.
///
/// A fetch that fails is remembered for `failureBackoff`: tokens of that issuer get the same error
/// at once meanwhile, so an issuer that is down (or slow to time out) is not asked again for every
/// token, and requests do not pile up behind its timeouts.
///
/// Issuers a meta-issuer pattern admitted (`boundedFirstFetch`) that it has no keys for are fetched
/// at most `maximumNewIssuerFetchesPerHost` at a time per host; more get `discoveryBusy` (a 503 to
/// retry), and are not remembered as failures. A pattern lets tokens name any number of made-up
/// issuers on one real host, and their fetches would otherwise fill the HTTP client's connections
/// to that host, so that a known issuer's refresh there waited behind them, timed out, and had its
/// failure remembered. Refreshes of issuers fetched before, and first fetches of configured exact
/// issuers, are not bounded: a flood of made-up names must not keep those out.
///
/// Entries are keyed by the issuer URL's bytes (`ExactString`): `…/realms/Kelvin` and
/// `…/realms/\u{212A}elvin` (KELVIN SIGN) are canonically equivalent `String`s, but different
/// issuers with different keys, and must neither share nor evict each other's entry.
actor JWKSCache {
    private struct Entry {
        var keys: JSONWebKeySet
        var fetchedAt: Date
        var expiresAt: Date
    }

    private let fetcher: any OIDCKeyFetcher
    private let now: @Sendable () -> Date
    private let minimumLifetime: TimeInterval
    private let maximumLifetime: TimeInterval
    private let defaultLifetime: TimeInterval
    private let minimumRefreshInterval: TimeInterval
    private let failureBackoff: TimeInterval
    private let maximumNewIssuerFetchesPerHost: Int
    private var entries: [ExactString: Entry] = [:]
    private var inFlight: [ExactString: Task<FetchedKeySet, any Error>] = [:]
    private var failures: [ExactString: (error: TokenError, at: Date)] = [:]
    /// Running first fetches per host, and the host of each issuer whose first fetch is running.
    private var newIssuerFetches: [String: Int] = [:]
    private var newIssuerHosts: [ExactString: String] = [:]

    /// The lower bound keeps an issuer that sends `no-store` (or `max-age=0`) from making the CA
    /// fetch its JWKS for every token; the upper bound is how long a removed key may stay trusted.
    init(fetcher: any OIDCKeyFetcher, now: @escaping @Sendable () -> Date,
         minimumLifetime: TimeInterval = 60, maximumLifetime: TimeInterval = 3600, defaultLifetime: TimeInterval = 3600,
         minimumRefreshInterval: TimeInterval = 10, failureBackoff: TimeInterval = 5, maximumNewIssuerFetchesPerHost: Int = 4) {
        precondition(minimumLifetime <= defaultLifetime && defaultLifetime <= maximumLifetime, "JWKSCache: lifetimes out of order")
        self.fetcher = fetcher
        self.now = now
        self.minimumLifetime = minimumLifetime
        self.maximumLifetime = maximumLifetime
        self.defaultLifetime = defaultLifetime
        self.minimumRefreshInterval = minimumRefreshInterval
        self.failureBackoff = failureBackoff
        self.maximumNewIssuerFetchesPerHost = maximumNewIssuerFetchesPerHost
    }

    /// Keys of `issuer` that may verify a token naming `kid`; refetches once if none match, and
    /// always when the cached set has expired. `boundedFirstFetch`: the issuer came from a
    /// meta-issuer pattern, so a first fetch of its keys counts against its host's bound.
    func candidates(issuer: String, kid: String?, boundedFirstFetch: Bool = true) async throws(TokenError) -> [JSONWebKey] {
        let key = ExactString(issuer)
        let current = now()
        if let entry = entries[key], current < entry.expiresAt {
            let found = entry.keys.candidates(kid: kid)
            let mayRefresh = current.timeIntervalSince(entry.fetchedAt) >= minimumRefreshInterval
            if !found.isEmpty || !mayRefresh { return found }
        }
        return try await refresh(issuer: key, bounded: boundedFirstFetch).candidates(kid: kid)
    }

    /// How long a fetched set stays usable: the issuer's `maxAge`, clamped.
    func lifetime(advertised maxAge: Double?) -> TimeInterval {
        guard let maxAge else { return defaultLifetime }
        return min(max(maxAge, minimumLifetime), maximumLifetime)
    }

    private func refresh(issuer: ExactString, bounded: Bool) async throws(TokenError) -> JSONWebKeySet {
        let task: Task<FetchedKeySet, any Error>
        if let running = inFlight[issuer] {
            task = running
        } else {
            if let failure = failures[issuer], isRecent(failure.at) { throw failure.error }
            if bounded, entries[issuer] == nil { try takeNewIssuerSlot(issuer) }
            let fetcher = self.fetcher
            let url = issuer.text
            task = Task { try await fetcher.fetchKeys(issuerURL: url) }
            inFlight[issuer] = task
        }
        do {
            let fetched = try await task.value
            if inFlight[issuer] == task {
                inFlight[issuer] = nil
                releaseNewIssuerSlot(issuer)
                failures[issuer] = nil
                let fetchedAt = now()
                entries[issuer] = Entry(keys: fetched.keys, fetchedAt: fetchedAt,
                                        expiresAt: fetchedAt.addingTimeInterval(lifetime(advertised: fetched.maxAge)))
            }
            return fetched.keys
        } catch {
            let failure = error as? TokenError ?? .discoveryFailed(issuer: issuer.text, reason: "\(error)")
            if inFlight[issuer] == task {
                inFlight[issuer] = nil
                releaseNewIssuerSlot(issuer)
                remember(remembered(failure), for: issuer)
            }
            throw failure
        }
    }

    /// Counts a first fetch of `issuer` against its host, or refuses it when the host has its fill.
    private func takeNewIssuerSlot(_ issuer: ExactString) throws(TokenError) {
        let host = Self.host(of: issuer.text)
        guard newIssuerFetches[host, default: 0] < maximumNewIssuerFetchesPerHost else {
            throw .discoveryBusy(issuer: issuer.text, host: host)
        }
        newIssuerFetches[host, default: 0] += 1
        newIssuerHosts[issuer] = host
    }

    private func releaseNewIssuerSlot(_ issuer: ExactString) {
        guard let host = newIssuerHosts.removeValue(forKey: issuer) else { return }
        let running = newIssuerFetches[host, default: 1] - 1
        newIssuerFetches[host] = running > 0 ? running : nil
    }

    /// `scheme://host:port` of an issuer URL, lowercased: what the HTTP client pools connections by.
    /// A URL it cannot read counts as a host of its own.
    static func host(of issuerURL: String) -> String {
        guard let parts = URLComponents(string: issuerURL), let scheme = parts.scheme, let host = parts.host, !host.isEmpty else {
            return issuerURL
        }
        let port = parts.port ?? (scheme.lowercased() == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)".lowercased()
    }

    /// Failures remembered at most: a meta-issuer pattern lets tokens name any number of issuers.
    static let maximumRememberedFailures = 1024

    /// Full, the oldest goes: never all at once, which would let a flood of made-up issuers wipe
    /// the backoff of one that is really down.
    private func remember(_ failure: TokenError, for issuer: ExactString) {
        if failures.count >= Self.maximumRememberedFailures {
            failures = failures.filter { isRecent($0.value.at) }
            if failures.count >= Self.maximumRememberedFailures, let oldest = failures.min(by: { $0.value.at < $1.value.at }) {
                failures[oldest.key] = nil
            }
        }
        failures[issuer] = (failure, now())
    }

    /// Whether a failure at `moment` is still within the backoff. A wall clock stepped back makes
    /// the age negative: that does not count as recent, or an issuer would stay blocked until the
    /// clock caught up.
    private func isRecent(_ moment: Date) -> Bool {
        let age = now().timeIntervalSince(moment)
        return age >= 0 && age < failureBackoff
    }

    /// `failure` as later tokens are told it, while it is remembered.
    private func remembered(_ failure: TokenError) -> TokenError {
        guard case .discoveryFailed(let issuer, let reason) = failure else { return failure }
        return .discoveryFailed(issuer: issuer, reason: "\(reason) (the CA asks again \(String(format: "%g", failureBackoff)) s after that failure)")
    }
}
