/// What a `Sequencer` needs from the replica it runs in when several log-server replicas share one
/// log: whether this replica holds the sequencer role now, and a way to hand an entry to the one
/// that does.
protocol SequencerReplication: Sendable {
    /// Whether this replica sequences now. Advisory: the store's fence decides every write.
    var isSequencing: Bool { get }
    /// Hands an entry to the replica that sequences and waits until its batch is committed.
    func forward(_ entry: PreparedEntry) async throws -> SequencingResult
    /// The store refused a batch because the role passed to another replica.
    func lostRole(_ reason: String)
}

/// Why a store shared by several replicas refused an append: this replica does not hold the
/// sequencer role, or lost it (another replica's lease, a newer epoch). Nothing was written.
public struct NotSequencer: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
