import Synchronization

/// Lets a warning that repeats (the same failure met by every request while a database is down)
/// through at most once per interval, and counts the ones held back so the next line can say how
/// many there were. Without it, an outage under load writes a line per request: thousands a second
/// of the same text, burying the lines that say when it started and when it ended.
public final class RepeatedWarningLimiter: Sendable {
    private let interval: Duration
    private let state = Mutex<(last: ContinuousClock.Instant?, held: Int)>((nil, 0))

    public init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    /// Nil when this occurrence should not be logged; otherwise how many were held back since the
    /// last one logged.
    public func admit(now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            if let last = state.last, now - last < interval {
                state.held += 1
                return nil
            }
            let held = state.held
            state = (now, 0)
            return held
        }
    }
}
