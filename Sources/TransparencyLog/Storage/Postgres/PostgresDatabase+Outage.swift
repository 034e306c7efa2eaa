import _ConnectionPoolModule
import PostgresNIO

extension PostgresDatabase {
    /// Whether `error` says the database could not be reached or stopped answering (down,
    /// restarting, refusing connections, out of them, or silent past our deadline), as opposed to
    /// answering something this server cannot use (bad SQL, a decoding failure, inconsistent rows),
    /// which retrying would not change.
    static func isOutage(_ error: any Error) -> Bool {
        if let failure = error as? Failure { return failure.isUnanswered }
        if let wrapped = error as? PostgresTransactionError {
            guard let inner = wrapped.closureError ?? wrapped.beginError ?? wrapped.commitError else { return false }
            return isOutage(inner)
        }
        // The pool's own refusals: shut down, the request cancelled, or its circuit breaker open
        // after connections kept failing.
        if error is ConnectionPoolError { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed, .queryCancelled:
            return true
        case .server:
            guard let state = error.serverInfo?[.sqlState], !permanentStates.contains(where: { state.utf8.elementsEqual($0.utf8) }) else {
                return false
            }
            return outageStates.contains { state.utf8.starts(with: $0.utf8) }
        default:
            return false
        }
    }

    /// SQLSTATE classes and codes of a server that is going away or cannot take the work now:
    /// connection exceptions (08), insufficient resources (53: too many connections, disk full),
    /// operator intervention (57: shutting down, starting up, statement cancelled) and
    /// serialization or deadlock failures (40001, 40P01).
    private static let outageStates = ["08", "53", "57", "40001", "40P01"]
    /// Codes in those classes that waiting does not cure: a protocol violation, a dropped database.
    private static let permanentStates = ["08P01", "57P04"]
}
