/// A configuration mistake that stops a server before it starts, printed as one line naming where
/// the value came from (a file, an environment variable or a flag) and the field.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// Where the offending value came from, e.g. `/etc/sigil/log.json` or `environment SIGIL_LOG_PORT`.
    public let source: String
    /// The setting's name as written in the file, e.g. `port` or `tls.certificate`.
    public let field: String
    public let problem: String

    public init(source: String, field: String, problem: String) {
        self.source = source
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(source): \(field): \(problem)" }
}
