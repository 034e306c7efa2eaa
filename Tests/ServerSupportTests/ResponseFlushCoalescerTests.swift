import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
@testable import ServerSupport

/// A response's head waits for its body, so both leave in one socket write; nothing else is held.
/// `EmbeddedChannel` hands out only what was flushed, which is exactly what reached the socket.
@Suite struct ResponseFlushCoalescerTests {
    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ResponseFlushCoalescer())
        return channel
    }

    /// Writes and flushes as Hummingbird does, without waiting: a held part's write completes only
    /// when it is flushed (`writeOutbound` would wait for it forever).
    private func send(_ part: HTTPResponsePart, _ channel: EmbeddedChannel) {
        channel.write(part, promise: nil)
        channel.flush()
    }

    private func flushed(_ channel: EmbeddedChannel) throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let head): parts.append("head \(head.status.code)")
            case .body(let buffer): parts.append("body \(String(buffer: buffer))")
            case .end: parts.append("end")
            }
        }
        return parts
    }

    @Test func aHeadIsFlushedWithItsBody() throws {
        let channel = try channel()
        send(HTTPResponsePart.head(HTTPResponse(status: .created)), channel)
        #expect(try flushed(channel).isEmpty, "the head's own flush is held back")
        send(HTTPResponsePart.body(ByteBuffer(string: "{}")), channel)
        #expect(try flushed(channel) == ["head 201", "body {}"])
        send(HTTPResponsePart.end(nil), channel)
        #expect(try flushed(channel) == ["end"])
        _ = try channel.finish()
    }

    @Test func aHeadWithoutABodyGoesOutWithTheEnd() throws {
        let channel = try channel()
        send(HTTPResponsePart.head(HTTPResponse(status: .noContent)), channel)
        #expect(try flushed(channel).isEmpty)
        send(HTTPResponsePart.end(nil), channel)
        #expect(try flushed(channel) == ["head 204", "end"])
        _ = try channel.finish()
    }

    @Test func anInformationalHeadIsFlushedAtOnce() throws {
        let channel = try channel()
        send(HTTPResponsePart.head(HTTPResponse(status: .continue)), channel)
        #expect(try flushed(channel) == ["head 100"])
        send(HTTPResponsePart.head(HTTPResponse(status: .ok)), channel)
        #expect(try flushed(channel).isEmpty)
        send(HTTPResponsePart.end(nil), channel)
        #expect(try flushed(channel) == ["head 200", "end"])
        _ = try channel.finish()
    }

    @Test func closingFlushesAHeldHead() throws {
        let channel = try channel()
        send(HTTPResponsePart.head(HTTPResponse(status: .ok)), channel)
        #expect(try flushed(channel).isEmpty)
        try channel.close().wait()
        #expect(try flushed(channel) == ["head 200"])
    }
}
