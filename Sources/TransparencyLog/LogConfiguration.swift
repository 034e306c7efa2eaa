/// Settings of one transparency log instance.
public struct LogConfiguration: Sendable {
    /// Name in the checkpoint's origin line and on its signature line (Rekor uses its hostname).
    public var name: String = "sigil-log"
    /// Largest accepted request body. Larger requests answer 413 naming the limit.
    public var maxRequestBytes: Int = 1 << 20
    /// Largest canonicalized entry body. C2SP entry bundles frame entries with a 16-bit length, so
    /// this cannot exceed 65,535 bytes.
    public var maxEntryBytes: Int = 65_535
    /// Most items one bulk retrieve or search may ask for or return.
    public var maxBulkItems: Int = 1_000
    /// Batching and back-pressure.
    public var sequencer = Sequencer.Limits()
    /// Stored tree hashes kept in memory (40 bytes each).
    public var hashCacheCapacity: Int = 1 << 21

    public init() {}
}
