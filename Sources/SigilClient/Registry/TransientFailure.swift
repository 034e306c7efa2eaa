import WireFormat

/// When a registry's answer is worth asking again, and how long to wait first.
///
/// Distribution 2.8 on its filesystem driver rewrites a blob's link file in place, so while one
/// client commits a blob another client's `HEAD` of the same blob can read a half-written link
/// and get `500` (the empty config every signature shares is pushed by every signer). Proxies
/// and hosted registries answer `429`, `502`, `503` or `504` while they shed load. These are
/// asked again, as Docker's and go-containerregistry's clients do, but only for requests that
/// change nothing when repeated (see `RegistryRequest.isRepeatable`).
enum TransientFailure {
    /// Statuses that say "not now" rather than "no".
    static let statuses: Set<Int> = [408, 429, 500, 502, 503, 504]
    /// Tries of one request, the first included.
    static let maximumAttempts = 4
    /// The longest `Retry-After` honoured; a registry asking for more gets its error reported.
    static let longestRequestedPause: Duration = .seconds(5)

    /// Whether an answer with `status` to the `attempt`th try (from 1) of `request` is tried again.
    static func retries(_ request: RegistryRequest, status: Int, attempt: Int) -> Bool {
        request.isRepeatable && attempt < maximumAttempts && statuses.contains(status)
    }

    /// The pause before try `attempt + 1`: 100 ms tripled per try, with jitter so that signers
    /// racing for the same blob do not ask again in step, or the registry's `Retry-After` in
    /// seconds when that is longer (up to `longestRequestedPause`). nil when the registry asks for
    /// longer than this client waits.
    static func pause(after attempt: Int, retryAfter: String?) -> Duration? {
        var base = 100
        for _ in 1..<max(attempt, 1) { base *= 3 }
        let own = Duration.milliseconds(Int.random(in: base / 2...base * 3 / 2))
        guard let retryAfter, !retryAfter.isEmpty, retryAfter.utf8.allSatisfy(\.isASCIIDigit) else {
            return own   // absent, or an HTTP-date: the client's own pause
        }
        guard retryAfter.utf8.count <= 4, let seconds = Int(retryAfter), Duration.seconds(seconds) <= longestRequestedPause else { return nil }
        return max(.seconds(seconds), own)
    }
}
