/// How long a client may take over each part of an HTTP exchange, and how many connections one
/// server holds open at once. Without these a client that sends nothing, half a request head, or a
/// `Content-Length` whose body never comes keeps a connection (a file descriptor and its buffers)
/// forever, and enough such clients starve everyone else.
public struct ConnectionLimits: Sendable, Equatable {
    /// From the first byte of a request (or of the TLS handshake) until its head is complete. It
    /// runs from the start rather than from the last byte, so trickling a byte every few seconds
    /// does not keep it open (slowloris); an idle timeout alone would never fire.
    public var headerTimeout: Duration
    /// From a complete request head until the last byte of its body.
    public var bodyTimeout: Duration
    /// A connection with no request in progress, before its first request or between keep-alive
    /// requests, is closed after this long.
    public var idleTimeout: Duration
    /// Connections beyond this many are closed as soon as they are accepted, so descriptors and
    /// memory stay bounded whatever clients do.
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(60),
                maxConnections: Int = 4096) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// The settings keys these come from, beside the other listener keys.
    static let keys: Set<String> = ["headerTimeoutSeconds", "bodyTimeoutSeconds", "idleTimeoutSeconds", "maxConnections"]

    static func read(from reader: SettingsReader) throws(ConfigurationError) -> Self {
        let defaults = ConnectionLimits()
        func seconds(_ key: String, _ fallback: Duration) throws(ConfigurationError) -> Duration {
            .seconds(try reader.integer(key, default: Int(fallback.components.seconds), range: 1...3_600))
        }
        return ConnectionLimits(
            headerTimeout: try seconds("headerTimeoutSeconds", defaults.headerTimeout),
            bodyTimeout: try seconds("bodyTimeoutSeconds", defaults.bodyTimeout),
            idleTimeout: try seconds("idleTimeoutSeconds", defaults.idleTimeout),
            maxConnections: try reader.integer("maxConnections", default: defaults.maxConnections, range: 1...1_000_000))
    }
}
