import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import WireFormat

/// Closes connections whose client is too slow with a request, and answers requests NIO's HTTP
/// parser refuses (an oversized head above all) with the API's JSON error instead of Hummingbird's
/// empty 400.
///
/// It sits after HTTP decoding (Hummingbird's `additionalChannelHandlers`), so it sees request
/// heads and ends; ``RequestStartWatcher``, first in the pipeline, tells it when raw bytes arrive,
/// which is when a request's header deadline starts. The header deadline runs from that first
/// byte and the body deadline from the complete head, never from the latest byte, so a client
/// trickling a byte at a time is still cut off. Idle connections are Hummingbird's `idleTimeout`.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// No request in progress: the idle timeout's business.
        case idle
        /// Bytes of a request arrived, its head is not complete: header deadline running.
        case head
        /// Head complete, body not: body deadline running.
        case body
        /// Request read, its response not yet written: the application's time, no deadline.
        case responding
        /// An error response went out; whatever else arrives is dropped until the connection closes.
        case closing
    }

    /// How long a refused connection keeps reading (and discarding) after its error response, so
    /// the client's unread bytes do not turn our close into a reset that destroys the response.
    static let lingerTime: Duration = .seconds(2)
    /// NIO's parser limit on a request head, which Hummingbird keeps by default: 80 KiB.
    static let maxHeaderBytes = HTTP1Channel.Configuration.DecoderConfiguration().maxHeaderListSize

    private let limits: ConnectionLimits
    private var logger = Logger(label: "sigil.http")
    private var context: ChannelHandlerContext?
    private var phase = Phase.idle
    /// Request heads passed on whose response has not ended; more than one only when pipelined.
    private var responsesOwed = 0
    /// Bytes of a pipelined request arrived while a response was still owed.
    private var bytesWhileResponding = false
    /// When the current phase's deadline passes; nil outside `.head` and `.body`.
    private var phaseDeadline: NIODeadline?
    /// The connection's one timer (or, once refusing, the linger before the close) and when it fires.
    private var deadline: Scheduled<Void>?
    /// When `deadline` fires, if it is the phase timer.
    private var scheduledFor: NIODeadline?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let watcher = try? context.pipeline.syncOperations.handler(type: RequestStartWatcher.self) {
            watcher.deadlines = self
            logger = watcher.logger
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    /// Called by ``RequestStartWatcher`` before the bytes reach the decoder.
    func bytesArrived() {
        switch phase {
        case .idle: startRequest()
        case .responding: bytesWhileResponding = true
        case .head, .body, .closing: break
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            if phase == .closing { return }
            responsesOwed += 1
            bytesWhileResponding = false
            phase = .body
            arm(for: limits.bodyTimeout)
        case .body:
            if phase == .closing { return }
        case .end:
            if phase == .closing { return }
            // The timer stays: the next request will likely want it, and if not it lapses.
            phaseDeadline = nil
            // A response can end before its request does (an early 413); then nothing is owed.
            phase = responsesOwed > 0 ? .responding : .idle
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesOwed = max(0, responsesOwed - 1)
            if phase == .responding, responsesOwed == 0 {
                phase = .idle
                if bytesWhileResponding { startRequest() }
            }
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After our error response the decoder reports every further read as an error; drop them.
        if phase == .closing { return }
        // Mid-response, writing another response would corrupt the one under way; Hummingbird
        // closes the connection itself.
        guard let parserError = error as? HTTPParserError, responsesOwed == 0 else {
            context.fireErrorCaught(error)
            return
        }
        if case .headerOverflow = parserError {
            refuse(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"),
                   "request head exceeds the limit of \(Self.maxHeaderBytes) bytes",
                   reason: "header too large")
        } else {
            refuse(.badRequest, "malformed HTTP request", reason: "malformed request")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client closed its side after reading our error response: nothing left to linger for.
        if phase == .closing, event as? ChannelEvent == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Deadlines

    private func startRequest() {
        phase = .head
        arm(for: limits.headerTimeout)
    }

    private func headerDeadlinePassed() {
        // A head deadline only starts with no response owed (from `.idle`), so a 408 cannot collide
        // with a response under way.
        guard phase == .head else { return }
        refuse(.requestTimeout, "request head not received within \(limits.headerTimeout)", reason: "header timeout")
    }

    private func bodyDeadlinePassed() {
        guard phase == .body else { return }
        // The application may already be writing its response; a second one would corrupt it.
        close(reason: "body timeout")
    }

    /// Starts the current phase's deadline, `timeout` from now. One timer per connection, not one
    /// per phase: a keep-alive connection serving thousands of requests would otherwise schedule and
    /// cancel two timers for each (a visible share of the log's appends). A timer due later than this
    /// deadline is moved earlier; one due earlier fires, finds the deadline not yet passed, and re-arms.
    private func arm(for timeout: Duration) {
        let due = NIODeadline.now() + TimeAmount(timeout)
        phaseDeadline = due
        if let scheduledFor, scheduledFor <= due { return }
        schedule(at: due)
    }

    private func schedule(at due: NIODeadline) {
        deadline?.cancel()
        deadline = nil
        scheduledFor = nil
        guard let context else { return }
        scheduledFor = due
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            deadline = nil
            scheduledFor = nil
            timerFired()
        }
    }

    private func timerFired() {
        guard let due = phaseDeadline else { return }
        guard NIODeadline.now() >= due else {
            schedule(at: due)
            return
        }
        switch phase {
        case .head: headerDeadlinePassed()
        case .body: bodyDeadlinePassed()
        case .idle, .responding, .closing: break
        }
    }

    private func cancelDeadline() {
        phaseDeadline = nil
        deadline?.cancel()
        deadline = nil
        scheduledFor = nil
    }

    // MARK: Ending the connection

    private func close(reason: String) {
        guard let context else { return }
        phase = .closing
        cancelDeadline()
        logger.info("closing slow connection", metadata: ["reason": "\(reason)", "peer": "\(context.channel.remoteAddress?.description ?? "unknown")"])
        context.close(promise: nil)
    }

    /// Answers ``JSONErrorBody``, the error shape of every Sigil API, then closes.
    private func refuse(_ status: HTTPResponse.Status, _ message: String, reason: String) {
        guard let context else { return }
        phase = .closing
        cancelDeadline()
        logger.info("refusing request", metadata: ["reason": "\(reason)", "status": "\(status.code)",
                                                  "peer": "\(context.channel.remoteAddress?.description ?? "unknown")"])
        let body = JSONErrorBody.encode(status: status, message: message)
        let fields: HTTPFields = [.contentType: "application/json", .contentLength: String(body.count), .connection: "close"]
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        // Half-close, keep reading for a moment, then close: closing with the client's bytes unread
        // would send a reset, and a reset can discard the response before the client reads it.
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
        context.close(mode: .output, promise: halfClosed)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(Self.lingerTime)) { context.close(promise: nil) }
    }
}
