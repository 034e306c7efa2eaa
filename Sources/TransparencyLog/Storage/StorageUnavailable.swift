/// A read the log's database could not answer for a reason that passes with time: the database is
/// stopped, restarting, unreachable or out of connections, or it did not answer within the deadline.
///
/// Requests that meet it are answered 503 with `Retry-After` (see `HTTPErrors.swift`), as an append
/// is when the sequencer cannot commit: a 500 would tell an auditor or a monitor that the log itself
/// is broken. A database that answers wrongly (a short hash, a missing checkpoint) is not this: that
/// stays a 500.
///
/// Its text is what clients read, so it says no more than that: the reason (hosts, addresses) goes
/// to the server's own log where the read failed.
public struct StorageUnavailable: Error, CustomStringConvertible {
    public init() {}

    public var description: String { "the log's database is unavailable; retry shortly" }
}
