import Synchronization

/// The latest published tree head, readable by request handlers without waiting on the sequencer.
final class TreeHeadBox: Sendable {
    private let head: Mutex<StoredTreeHead>

    init(_ initial: StoredTreeHead) { head = Mutex(initial) }

    var value: StoredTreeHead { head.withLock { $0 } }

    func publish(_ new: StoredTreeHead) {
        head.withLock { current in
            // Heads only move forward; a late publisher never rolls the view back.
            if new.treeSize >= current.treeSize { current = new }
        }
    }
}
