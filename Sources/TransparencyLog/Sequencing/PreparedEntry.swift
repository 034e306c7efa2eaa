import Merkle

/// An entry that passed validation and waits to be sequenced: its canonical body, leaf hash and the
/// search keys to index it under.
public struct PreparedEntry: Sendable {
    public let body: [UInt8]
    public let leafHash: Hash
    public let kind: String
    public let searchKeys: [String]
    /// Stored beside the leaf, not hashed (see `StoredEntry.extra`).
    public let extra: [UInt8]?
    /// Set when another replica forwarded the entry through the database: the pending row whose
    /// outcome the sequencing commit records (see `AppendBatch.resolutions`).
    var ticket: Int64?

    public init(body: [UInt8], kind: String, searchKeys: [String], extra: [UInt8]? = nil) {
        self.body = body
        self.leafHash = RFC6962.leafHash(body)
        self.kind = kind
        self.searchKeys = searchKeys
        self.extra = extra
    }
}

/// What the sequencer answers once the batch holding an entry is durable.
public enum SequencingResult: Sendable {
    /// Appended; `treeHead` is the first durable tree head that contains the entry.
    case appended(StoredEntry, treeHead: StoredTreeHead)
    /// The log already held an identical body.
    case duplicate(StoredEntry)
}

/// Why the sequencer could not take an entry.
public enum SequencerError: Error, CustomStringConvertible {
    /// The bounded queue is full: back off and retry.
    case queueFull(capacity: Int)
    /// The commit failed; the entry may or may not be in the log (fetch it by hash to find out).
    case commitFailed(String)
    /// The sequencer stopped after a failure it could not recover from.
    case stopped(String)
    /// The server is shutting down; the entry was not queued.
    case shuttingDown
    /// The shared database or the replica that sequences cannot take the entry now: retry later.
    /// The entry may or may not be in the log (fetch it by hash to find out).
    case unavailable(String)

    public var description: String {
        switch self {
        case .queueFull(let capacity): "the log's submission queue is full (\(capacity) entries); retry later"
        case .commitFailed(let why): "the log could not commit the entry: \(why)"
        case .stopped(let why): "the log's sequencer has stopped: \(why)"
        case .shuttingDown: "the log is shutting down; retry against its replacement"
        case .unavailable(let why): "the log cannot take entries right now: \(why); retry later"
        }
    }
}
