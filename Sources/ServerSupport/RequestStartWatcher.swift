import Logging
import NIOCore

/// First in a connection's pipeline, ahead of TLS and HTTP decoding, it tells the connection's
/// ``RequestDeadlineHandler`` that bytes arrived. The parser reports a request only once its head
/// is complete, and a deadline that starts then cannot catch a client sending the head slowly.
final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The server's logger, handed to the deadline handler (which is built without one).
    let logger: Logger
    /// Set by the deadline handler when it joins the pipeline; weak because the pipeline owns both.
    weak var deadlines: RequestDeadlineHandler?

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines?.bytesArrived()
        context.fireChannelRead(data)
    }
}
