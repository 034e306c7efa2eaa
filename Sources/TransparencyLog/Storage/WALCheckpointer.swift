import Dispatch
import GRDB
import Synchronization

/// Copies committed WAL frames into the database file on its own connection and thread, so the
/// second write of every page happens beside the sequencer's commits instead of inside them.
/// Passive checkpoints never block the writer or readers; a request while one runs is coalesced.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "sigil.wal-checkpoint", qos: .utility)
    private let state = Mutex(State())

    private struct State {
        var running = false
        var again = false
    }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "wal-checkpoint"
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Waits for a running checkpoint, then closes the connection.
    func close() throws {
        try queue.sync { try connection.close() }
    }

    /// Asks for a passive checkpoint soon.
    func schedule() {
        let start = state.withLock { state -> Bool in
            if state.running { state.again = true; return false }
            state.running = true
            return true
        }
        if start { queue.async { self.run() } }
    }

    private func run() {
        while true {
            // A failed passive checkpoint only leaves the WAL longer; the next commit retries.
            _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            let more = state.withLock { state -> Bool in
                if state.again { state.again = false; return true }
                state.running = false
                return false
            }
            if !more { return }
        }
    }
}
