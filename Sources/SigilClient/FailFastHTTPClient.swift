import AsyncHTTPClient
import NIOCore

/// The HTTP client every service client (log, CA, GitHub token endpoint) uses by default. Unlike
/// `HTTPClient.shared`, its pool does not retry refused connections until the request deadline,
/// so a CA that is down fails in milliseconds instead of after the whole timeout.
enum FailFastHTTPClient {
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        // Redirects are followed by `CheckedRedirects`, which checks each hop's URL first.
        configuration.redirectConfiguration = .disallow
        // Process-wide and never shut down, like `HTTPClient.shared`.
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
