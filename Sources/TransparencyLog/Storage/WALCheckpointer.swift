import Dispatch
import GRDB
import Synchronization

/// Copies committed WAL frames into the database file on its own connection and thread, so the
/// second write of every page happens beside the sequencer's commits instead of inside them.
///
/// Checkpoints start at least `interval` apart, as soon as that allows: each one syncs the
/// database file, and a checkpoint per commit made small commits (one certificate each, from the
/// CA) pay for two more fsyncs, and for every reader remapping the grown file, on the path that
/// acknowledges entries. Passive checkpoints never block the writer or readers.
///
/// SQLite starts the WAL over from its beginning only when a commit finds every frame already
/// copied back. Large, spaced commits get that from a checkpoint started right after them; a
/// steady stream of small ones lands while any checkpoint on another thread copies, and the WAL
/// would grow for as long as the load lasts. So when rounds find the WAL past `restartFrames` and
/// longer each time for `growingRounds` rounds in a row (it has not restarted since), the
/// checkpointer asks the writer (`takeRestartRequest`) to run one passive checkpoint itself right
/// after its next commit: that copies only the frames committed since the round and lets the
/// following commit restart. Large commits that miss one restart now and then are left alone: the
/// writer would copy a whole batch.
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
        /// The WAL has grown past `restartFrames` without restarting; the writer should checkpoint
        /// after its next commit.
        var restartWanted = false
        /// Frames in the WAL at the end of the last round.
        var walFrames = 0
        /// Rounds in a row that found the WAL longer than the round before.
        var grownRounds = 0
        /// When the last checkpoint started.
        var lastStart: DispatchTime?
    }

    /// 16 MB of 4 KB pages: the most the WAL holds before the writer is asked to let it restart.
    static let defaultRestartFrames = 4096
    /// Rounds in a row the WAL must have grown before the writer is asked to checkpoint.
    static let growingRounds = 3

    static let defaultInterval = DispatchTimeInterval.milliseconds(100)

    init(path: String, interval: DispatchTimeInterval = defaultInterval, restartFrames: Int = defaultRestartFrames) throws {
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

    /// Asks for a passive checkpoint: now, or `interval` after the last one started. Requests until
    /// then share it.
    func schedule() {
        let start = state.withLock { state -> DispatchTime? in
            guard !state.closed else { return nil }
            if state.pending { state.again = true; return nil }
            state.pending = true
            return state.lastStart.map { $0 + interval } ?? .now()
        }
        if let start { queue.asyncAfter(deadline: start) { self.run() } }
    }

    /// Whether the writer should checkpoint after the commit it just made; clears the request.
    func takeRestartRequest() -> Bool {
        state.withLock { state in
            defer { state.restartWanted = false }
            return state.restartWanted
        }
    }

    private func run() {
        let started = DispatchTime.now()
        guard state.withLock({ state in
            state.lastStart = started
            return !state.closed
        }) else { return }
        // A failed passive checkpoint only leaves the WAL longer; the next commit retries.
        let frames = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        let more = state.withLock { state -> Bool in
            state.completed += 1
            if let frames {
                state.grownRounds = frames.walFrameCount > state.walFrames ? state.grownRounds + 1 : 0
                state.walFrames = frames.walFrameCount
                if frames.walFrameCount > restartFrames, state.grownRounds >= Self.growingRounds { state.restartWanted = true }
            }
            if state.again, !state.closed { state.again = false; return true }
            state.pending = false
            return false
        }
        if more { queue.asyncAfter(deadline: started + interval) { self.run() } }
    }
}
