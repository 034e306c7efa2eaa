import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The one-shot HTTP listener on loopback that receives the authorization server's redirect
/// (RFC 8252 §7.3, an ephemeral port). The redirect URI names `localhost`, as cosign and
/// sigstore-python do, because that is what Sigstore's public issuer registers for its public
/// client; the listener therefore takes the port on `127.0.0.1` and, where IPv6 is up, on `::1`
/// too, whichever address the browser resolves `localhost` to. It answers every request to its
/// callback path with a short page and hands the raw query of the first one to
/// ``callbackQuery(timeout:)``; other paths get 404. Nothing it receives is logged.
public final class LoopbackRedirectListener: Sendable {
    /// The redirect URI to register in the authorization request.
    public let redirectURI: String
    private let channels: [any Channel]
    private let queries: AsyncStream<String>

    private init(redirectURI: String, channels: [any Channel], queries: AsyncStream<String>) {
        self.redirectURI = redirectURI
        self.channels = channels
        self.queries = queries
    }

    /// Starts listening on an ephemeral loopback port; `path` is the callback's path.
    public static func start(path: String = "/auth/callback") async throws -> LoopbackRedirectListener {
        let (queries, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(1))
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try child.pipeline.syncOperations.addHandler(CallbackHandler(path: path, queries: continuation))
                }
            }
        let ipv4 = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = ipv4.localAddress?.port else {
            try? await ipv4.close().get()
            throw ClientError("the sign-in listener has no local port")
        }
        // Best effort: without IPv6 (or with the port taken there) browsers fall back to 127.0.0.1.
        let ipv6 = try? await bootstrap.bind(host: "::1", port: port).get()
        return LoopbackRedirectListener(redirectURI: "http://localhost:\(port)\(path)", channels: [ipv4] + (ipv6.map { [$0] } ?? []),
                                        queries: queries)
    }

    /// The raw query string of the first callback, or an error after `timeout`.
    public func callbackQuery(timeout: Duration) async throws -> String {
        try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { [queries] in
                for await query in queries { return query }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let query = first else {
                throw ClientError("no sign-in arrived at the redirect listener within \(timeout.components.seconds) seconds")
            }
            return query
        }
    }

    /// Stops listening.
    public func close() async {
        for channel in channels { try? await channel.close().get() }
    }
}

/// Answers the browser and forwards the callback's query. Lives on one child channel's event loop.
private final class CallbackHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let path: String
    let queries: AsyncStream<String>.Continuation

    init(path: String, queries: AsyncStream<String>.Continuation) {
        self.path = path
        self.queries = queries
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let isCallback = head.method == .GET && parts.first.map { String($0).utf8.elementsEqual(path.utf8) } == true
        if isCallback { queries.yield(parts.count == 2 ? String(parts[1]) : "") }
        let page = isCallback
            ? "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sigil sign-in</title></head><body><p>Sign-in received. You can close this page and return to the terminal.</p></body></html>"
            : "not found"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: isCallback ? "text/html; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: String(page.utf8.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: isCallback ? .ok : .notFound, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: page)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
