/// Why the log refuses to start.
public enum LogStartupError: Error, CustomStringConvertible {
    case keyMismatch(stored: String, configured: String)
    case checkpointInvalid(String)

    public var description: String {
        switch self {
        case .keyMismatch(let stored, let configured):
            "the database belongs to log key \(stored), but the configured key is \(configured)"
        case .checkpointInvalid(let why): why
        }
    }
}
