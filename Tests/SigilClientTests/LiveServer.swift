import Foundation
import Hummingbird
import Logging
import NIOCore

/// A Hummingbird router served on a random loopback port for the duration of a test, so the
/// clients under test speak real HTTP (AsyncHTTPClient) to it.
final class LiveServer: Sendable {
    let url: String
    private let task: Task<Void, any Error>

    private init(url: String, task: Task<Void, any Error>) {
        self.url = url
        self.task = task
    }

    static func start<Context: RequestContext>(_ router: Router<Context>, port: Int = 0) async throws -> LiveServer
        where Context.Source == ApplicationRequestContextSource {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "sigil.test-server")
        logger.logLevel = .critical   // shutdown chatter would bury the test output
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the server did not start") }
        return LiveServer(url: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A test precondition that failed.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
