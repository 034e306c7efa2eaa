/// One condition a server needs before it should get traffic (the database answers, the keys are
/// loaded, the sequencer accepts entries). `/readyz` runs every check and reports each by name.
public struct ReadinessCheck: Sendable {
    public let name: String
    /// Nil when the condition holds; otherwise why not.
    public let probe: @Sendable () async -> String?
    /// Set for a fact reported beside the checks (a replica's role), which never makes the server unready.
    public let report: (@Sendable () async -> String)?

    public init(_ name: String, probe: @escaping @Sendable () async -> String?) {
        self.name = name
        self.probe = probe
        self.report = nil
    }

    private init(name: String, report: @escaping @Sendable () async -> String) {
        self.name = name
        self.probe = { nil }
        self.report = report
    }

    /// A fact `/readyz` shows under `name` without it deciding readiness.
    public static func report(_ name: String, _ value: @escaping @Sendable () async -> String) -> Self {
        Self(name: name, report: value)
    }

    /// A condition settled at start-up, such as keys that were loaded before the server began listening.
    public static func settled(_ name: String) -> Self { Self(name) { nil } }
}
