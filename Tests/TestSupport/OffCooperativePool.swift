import Dispatch

/// Runs blocking work (spawning `initdb`, waiting on a socket) on a Dispatch thread and awaits its
/// result: Swift's cooperative pool has one thread per core, and every test of the suite waits on it.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
