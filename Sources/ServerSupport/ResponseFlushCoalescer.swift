import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sends a response's head and its body in one socket write instead of two.
///
/// Hummingbird writes a response whose body is one buffer as head, body and end in one flush, but
/// its `MetricsMiddleware` (every server here records request metrics) wraps each body in a
/// closure, and a closure body is written after the head, each part flushed on its own: the head
/// went out in one `write(2)` and TCP segment, the body in a second, a system call and a segment per
/// request on both ends of the connection (`strace` under load: three writes per log append, two of
/// them the response). This handler holds back the flush that follows a final response head; the
/// flush after the next part (body or end) sends both, and NIO writes buffered parts with one
/// `writev`.
///
/// Every response of these servers is a complete buffer, so nothing waits on the held flush for
/// longer than it takes the next part to arrive. An informational head (1xx) would be flushed at
/// once, since a client waiting for `100 Continue` must see it before it sends its body (no route
/// here sends one).
final class ResponseFlushCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A final head was written and its flush held back.
    private var holdingHead = false

    init() {}

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = unwrapOutboundIn(data) {
            holdingHead = head.status.kind != .informational
        } else {
            holdingHead = false
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        guard !holdingHead else { return }
        context.flush()
    }

    /// Closing flushes what is held, so a head never stays behind in the buffer.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if holdingHead {
            holdingHead = false
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }
}
