/// The four top-level TUF roles and the file names their metadata has.
public enum TUFRole: String, Sendable, CaseIterable, Hashable {
    case root, timestamp, snapshot, targets

    /// The unversioned file name (`timestamp.json`), also the key in `meta` listings.
    public var fileName: String { rawValue + ".json" }

    /// The most bytes the client reads for this role when no length is recorded, as python-tuf
    /// bounds them: large enough for real repositories, small enough to stop endless data.
    public var maximumLength: Int {
        switch self {
        case .root: 512_000
        case .timestamp: 16_384
        case .snapshot: 2_000_000
        case .targets: 5_000_000
        }
    }
}
