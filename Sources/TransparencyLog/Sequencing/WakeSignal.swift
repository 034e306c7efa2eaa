import Synchronization

/// Wakes one waiting loop early: `wait(atMost:)` returns when `wake()` is called (or was called
/// since the last wait) or when the time is up, whichever comes first. For the replica loops that
/// poll the database: a notification shortens the wait, the time limit keeps them correct without one.
/// A wake that races the time limit may cut the next wait short: one early scan, never a missed one.
final class WakeSignal: Sendable {
    private let state = Mutex<(signaled: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signaled = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// One waiter at a time.
    func wait(atMost limit: Duration) async {
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self?.wake()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.signaled {
                    state.signaled = false
                    return true
                }
                precondition(state.waiter == nil, "WakeSignal has one waiter at a time")
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
