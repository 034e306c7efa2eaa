import Foundation
import Logging
import Synchronization

/// Lets a warning that repeats (the same failure met by every request while a database is down)
/// through at most once per interval, and counts the ones held back so the next line can say how
/// many there were and over how long. Without it, an outage under load writes a line per request:
/// thousands a second of the same text, burying the lines that say when it started and ended.
public final class RepeatedWarningLimiter: Sendable {
    /// A warning let through: how many were held back since the previous one, and how long ago that
    /// one was (nil for the first). Held-back warnings may be from an earlier outage: the time says so.
    public struct Admission: Equatable, Sendable {
        public let held: Int
        public let sincePrevious: Duration?
    }

    private let interval: Duration
    private let state = Mutex<(last: ContinuousClock.Instant?, held: Int)>((nil, 0))

    public init(interval: Duration = .seconds(1)) {
        self.interval = interval
    }

    /// Nil when this occurrence should not be logged.
    public func admit(now: ContinuousClock.Instant = .now) -> Admission? {
        state.withLock { state in
            if let last = state.last, now - last < interval {
                state.held += 1
                return nil
            }
            let admission = Admission(held: state.held, sincePrevious: state.last.map { now - $0 })
            state = (now, 0)
            return admission
        }
    }
}

extension RepeatedWarningLimiter.Admission {
    /// Log metadata: `similarNotLogged`, and `secondsSincePrevious` when there was a previous line.
    public var metadata: Logger.Metadata {
        var fields: Logger.Metadata = ["similarNotLogged": "\(held)"]
        if let sincePrevious {
            fields["secondsSincePrevious"] = "\(String(format: "%.1f", sincePrevious / .seconds(1)))"
        }
        return fields
    }
}
