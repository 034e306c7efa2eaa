import Foundation

/// Caches each issuer's JWKS. A token whose `kid` is not cached triggers one refetch (the issuer
/// may have rotated), but at most one per `minimumRefreshInterval` per issuer, so a stream of
/// tokens with made-up key IDs can't turn the CA into a traffic amplifier. Concurrent misses for
/// the same issuer share one fetch.
actor JWKSCache {
    private struct Entry {
        var keys: JSONWebKeySet
        var fetchedAt: Date
    }

    private let fetcher: any OIDCKeyFetcher
    private let now: @Sendable () -> Date
    private let maxAge: TimeInterval
    private let minimumRefreshInterval: TimeInterval
    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<JSONWebKeySet, any Error>] = [:]

    init(fetcher: any OIDCKeyFetcher, now: @escaping @Sendable () -> Date,
         maxAge: TimeInterval = 3600, minimumRefreshInterval: TimeInterval = 10) {
        self.fetcher = fetcher
        self.now = now
        self.maxAge = maxAge
        self.minimumRefreshInterval = minimumRefreshInterval
    }

    /// Keys of `issuer` that may verify a token naming `kid`; refetches once if none match.
    func candidates(issuer: String, kid: String?) async throws(TokenError) -> [JSONWebKey] {
        let current = now()
        if let entry = entries[issuer], current.timeIntervalSince(entry.fetchedAt) < maxAge {
            let found = entry.keys.candidates(kid: kid)
            let mayRefresh = current.timeIntervalSince(entry.fetchedAt) >= minimumRefreshInterval
            if !found.isEmpty || !mayRefresh { return found }
        }
        return try await refresh(issuer: issuer).candidates(kid: kid)
    }

    private func refresh(issuer: String) async throws(TokenError) -> JSONWebKeySet {
        let task: Task<JSONWebKeySet, any Error>
        if let running = inFlight[issuer] {
            task = running
        } else {
            let fetcher = self.fetcher
            task = Task { try await fetcher.fetchKeys(issuerURL: issuer) }
            inFlight[issuer] = task
        }
        do {
            let keys = try await task.value
            if inFlight[issuer] == task {
                inFlight[issuer] = nil
                entries[issuer] = Entry(keys: keys, fetchedAt: now())
            }
            return keys
        } catch {
            if inFlight[issuer] == task { inFlight[issuer] = nil }
            throw error as? TokenError ?? .discoveryFailed(issuer: issuer, reason: "\(error)")
        }
    }
}
