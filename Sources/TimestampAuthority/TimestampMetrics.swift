import Metrics
import Synchronization

/// What the TSA reports through swift-metrics: timestamps issued and requests refused by reason (a
/// closed set of names, never request contents). Made where the TSA is built, not a global.
public final class TimestampMetrics: Sendable {
    let issued = Counter(label: "sigil_tsa_timestamps_issued_total")
    private let refusals = Mutex<[String: Counter]>([:])

    public init() {}

    func record(_ error: TimestampServiceError) {
        let reason = error.metricReason
        refusals.withLock { cache in
            if let counter = cache[reason] { return counter }
            let counter = Counter(label: "sigil_tsa_requests_refused_total", dimensions: [("reason", reason)])
            cache[reason] = counter
            return counter
        }.increment()
    }
}
