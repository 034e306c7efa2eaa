import Merkle

/// What one sequencing round decided before anything is written: for every submission, in order, the
/// entry it resolves to; and for the new entries, the rows the commit writes.
struct SequencedBatch {
    /// One per submission, in submission order. `isNew` is false for an entry the log already held
    /// (or that an earlier submission in the same batch added).
    var outcomes: [(entry: StoredEntry, isNew: Bool)] = []
    /// The new entries, in log order.
    var entries: [StoredEntry] = []
    /// For each new entry, the stored hashes its append creates.
    var treeHashes: [[Hash]] = []
    var searchRows: [(key: String, index: Int64)] = []
    /// Outcomes of forwarded entries (`PreparedEntry.ticket`), written in the same commit.
    var resolutions: [(ticket: Int64, index: Int64, created: Bool)] = []

    /// The one transaction that makes this batch durable, with `head` as its checkpoint.
    func appendBatch(head: StoredTreeHead) -> AppendBatch {
        var batch = AppendBatch(entries: entries, treeHashes: treeHashes, searchRows: searchRows,
                                checkpoint: head.checkpoint, treeSize: head.treeSize, rootHash: head.rootHash)
        batch.resolutions = resolutions
        return batch
    }
}
