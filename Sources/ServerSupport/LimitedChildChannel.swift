import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// A server's connection set-up (HTTP/1.1, or TLS around it) with ``ConnectionLimits`` applied:
/// at most `maxConnections` open at once, and a ``RequestStartWatcher`` ahead of everything else
/// so request deadlines start at a request's first byte.
///
/// Hummingbird's own bound (`MaximumAvailableConnections`) stops accepting instead, which leaves
/// new clients waiting in the listen backlog with no answer for as long as the slots stay taken;
/// here an excess connection is accepted and closed at once, so its client fails fast and the
/// server's own resources stay bounded.
struct LimitedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// Nil for a connection over the bound, which is closed without being served.
        let base: Base.Value?
    }

    let base: Base
    let maxConnections: Int
    private let open = OpenConnections()

    init(base: Base, maxConnections: Int) {
        self.base = base
        self.maxConnections = maxConnections
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        switch open.claim(below: maxConnections) {
        case .refused(let firstSinceFull):
            if firstSinceFull {
                logger.warning("connection limit reached; closing new connections until some close",
                               metadata: ["maxConnections": "\(maxConnections)"])
            }
            // Closed in `handle`, once the channel is registered; failing set-up instead would
            // raise an error on the listening channel, which ends Hummingbird's accept loop.
            return channel.eventLoop.makeSucceededFuture(Value(channel: channel, base: nil))
        case .claimed:
            let open = self.open
            channel.closeFuture.whenComplete { _ in open.release() }
        }
        do {
            try channel.pipeline.syncOperations.addHandler(RequestStartWatcher(logger: logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger).map { Value(channel: channel, base: $0) }
    }

    func handle(value: Value, logger: Logger) async {
        guard let served = value.base else {
            try? await value.channel.close()
            return
        }
        await base.handle(value: served, logger: logger)
    }
}

/// The count of one server's open connections, shared by every event loop accepting for it.
private final class OpenConnections: Sendable {
    enum Claim { case claimed, refused(firstSinceFull: Bool) }

    private struct State {
        var count = 0
        /// Whether a refusal was logged since the count was last below the bound: one warning per
        /// overload, not one per refused connection.
        var reportedFull = false
    }

    private let state = Mutex(State())

    func claim(below limit: Int) -> Claim {
        state.withLock { state in
            guard state.count < limit else {
                defer { state.reportedFull = true }
                return .refused(firstSinceFull: !state.reportedFull)
            }
            state.count += 1
            return .claimed
        }
    }

    func release() {
        state.withLock { state in
            state.count -= 1
            state.reportedFull = false
        }
    }
}
