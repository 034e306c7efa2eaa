/// Why the log refuses to start.
public enum LogStartupError: Error, CustomStringConvertible {
    case keyMismatch(stored: String, configured: String)
    case checkpointInvalid(String)
    /// The key cannot sign this kind of log (a Rekor v2 log needs Ed25519).
    case unsuitableKey(String)

    public var description: String {
        switch self {
        case .keyMismatch(let stored, let configured):
            "the database belongs to log key \(stored), but the configured key is \(configured)"
        case .checkpointInvalid(let why): why
        case .unsuitableKey(let why): why
        }
    }
}
