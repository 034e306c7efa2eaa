import Dispatch
import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection to a local port, for tests that must misbehave as no HTTP client library
/// will: stop mid-head, promise a body that never comes, hold a connection idle. Blocking socket
/// calls run on Dispatch threads, never on the cooperative pool the server under test also uses.
final class RawConnection: @unchecked Sendable {
    private var descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw Failure(description: "connect to \(port): \(reason)")
        }
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Sends every byte, or throws once the server has closed or reset the connection.
    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws {
        try await offCooperativePool {
            var sent = 0
            while sent < bytes.count {
                // MSG_NOSIGNAL: a closed peer is an error to report, not a SIGPIPE that kills the tests.
                let written = bytes[sent...].withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
                sent += written
            }
        }
    }

    /// Closes the sending side (`shutdown(SHUT_WR)`): the server reads the end of the request's
    /// bytes and may still answer.
    func finishSending() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// What the server sent until it closed the connection or `limit` passed.
    struct Received {
        var bytes: [UInt8] = []
        /// The server closed (or reset) the connection.
        var closed = false
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Reads until the server closes, `marker` has arrived, or `limit` passes, whichever is first.
    func receive(until marker: String? = nil, within limit: Duration) async -> Received {
        let deadline = ContinuousClock.now + limit
        return (try? await offCooperativePool {
            var received = Received()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let marker, received.text.contains(marker) { return received }
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else { return received }
                var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
                guard poll(&poller, 1, max(1, milliseconds)) > 0 else { continue }
                let count = recv(self.descriptor, &buffer, buffer.count, 0)
                if count > 0 {
                    received.bytes += buffer[..<count]
                } else if count == 0 || errno == ECONNRESET {
                    received.closed = true
                    return received
                } else if errno != EINTR {
                    return received
                }
            }
        }) ?? Received()
    }
}
