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
///
/// SQLite starts the WAL over from its beginning only when a commit finds every frame already
/// copied back, which a checkpoint on another thread rarely achieves under steady load: commits
/// land while it copies. So once the WAL holds more than `restartFrames`, the checkpointer asks
/// the writer (`takeRestartRequest`) to run one passive checkpoint itself right after a commit;
/// that copies only the frames since the last background round and lets the next commit restart.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "sigil.wal-checkpoint", qos: .utility)
    private let interval: DispatchTimeInterval
    private let restartFrames: Int
    private let state = Mutex(State())

    private struct State {
        /// A checkpoint is scheduled or running.
        var pending = false
        /// Commits landed since the scheduled checkpoint started.
        var again = false
        var closed = false
        var completed = 0
        /// The WAL has grown past `restartFrames`; the writer should checkpoint after its next commit.
        var restartWanted = false
    }

    /// 16 MB of 4 KB pages: the most the WAL holds before the writer is asked to let it restart.
    static let defaultRestartFrames = 4096

    init(path: String, interval: DispatchTimeInterval = .milliseconds(100), restartFrames: Int = defaultRestartFrames) throws {
        var configuration = Configuration()
        configuration.label = "wal-checkpoint"
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = interval
        self.restartFrames = restartFrames
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

    /// Whether the writer should checkpoint after the commit it just made; clears the request.
    func takeRestartRequest() -> Bool {
        state.withLock { state in
            defer { state.restartWanted = false }
            return state.restartWanted
        }
    }

    private func run() {
        guard state.withLock({ !$0.closed }) else { return }
        // A failed passive checkpoint only leaves the WAL longer; the next commit retries.
        let frames = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        let more = state.withLock { state -> Bool in
            state.completed += 1
            if let frames, frames.walFrameCount > restartFrames { state.restartWanted = true }
            if state.again, !state.closed { state.again = false; return true }
            state.pending = false
            return false
        }
        if more { queue.asyncAfter(deadline: .now() + interval) { self.run() } }
    }
}
