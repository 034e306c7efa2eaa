import Dispatch
import GRDB
import Synchronization

/// Copies committed WAL frames into the database file on its own connection and thread, so the
/// second write of every page happens beside the sequencer's commits instead of inside them.
///
/// Checkpoints are spaced at least `interval` apart: each one syncs the database file, and a
/// checkpoint per commit made small commits (one certificate each, from the CA) pay for two more
/// fsyncs, and for every reader remapping the grown file, on the path that acknowledges entries.
/// Passive checkpoints never block the writer or readers.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "sigil.wal-checkpoint", qos: .utility)
    private let interval: DispatchTimeInterval
    private let state = Mutex(State())

    private struct State {
        /// A checkpoint is scheduled or running.
        var pending = false
        /// Commits landed since the scheduled checkpoint started.
        var again = false
        var closed = false
        var completed = 0
    }

    init(path: String, interval: DispatchTimeInterval = .milliseconds(100)) throws {
        var configuration = Configuration()
        configuration.label = "wal-checkpoint"
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
    }

    /// Checkpoints run so far.
    var completed: Int { state.withLock { $0.completed } }

    /// Stops scheduling, waits for a running checkpoint, then closes the connection.
    func close() throws {
        state.withLock { $0.closed = true }
        try queue.sync { try connection.close() }
    }

    /// Asks for a passive checkpoint within `interval`; requests until then share it.
    func schedule() {
        let start = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            if state.pending { state.again = true; return false }
            state.pending = true
            return true
        }
        if start { queue.asyncAfter(deadline: .now() + interval) { self.run() } }
    }

    private func run() {
        guard state.withLock({ !$0.closed }) else { return }
        // A failed passive checkpoint only leaves the WAL longer; the next commit retries.
        _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        let more = state.withLock { state -> Bool in
            state.completed += 1
            if state.again, !state.closed { state.again = false; return true }
            state.pending = false
            return false
        }
        if more { queue.asyncAfter(deadline: .now() + interval) { self.run() } }
    }
}
