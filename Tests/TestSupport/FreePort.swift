import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback TCP ports nobody is listening on right now, for servers a test starts. Tests never
/// use fixed ports: a developer's `sigil-server all` (or another test run) may hold them.
public enum FreePort {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where ports are drawn from: below Linux's ephemeral range (32768–60999), which the kernel
    /// hands to every outgoing connection and every `bind(0)` of the tests running in parallel.
    /// A port drawn there could be taken by one of those between our check and a server's bind,
    /// or between a server's stop and its restart on the same port.
    static let range = 20_000..<32_768

    /// A port free right now, drawn at random from `range`.
    public static func find() throws -> Int {
        try consecutive(1)
    }

    /// The first of `count` consecutive free ports (`base`, `base + 1`, …), for commands that take
    /// their ports as one base.
    public static func consecutive(_ count: Int) throws -> Int {
        for _ in 0..<50 {
            let base = Int.random(in: range.lowerBound...(range.upperBound - count))
            var sockets: [Int32] = []
            defer { sockets.forEach { close($0) } }
            for port in base..<(base + count) {
                guard let socket = try? bound(port: port) else { break }
                sockets.append(socket)
            }
            if sockets.count == count { return base }
        }
        throw Unavailable(description: "no \(count) consecutive free loopback ports")
    }

    /// A TCP socket bound to 127.0.0.1:`port` (not listening); the caller closes it.
    private static func bound(port: Int) throws -> Int32 {
        #if canImport(Glibc)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw Unavailable(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        guard result == 0 else {
            close(socket)
            throw Unavailable(description: "cannot bind 127.0.0.1:\(port)")
        }
        return socket
    }
}
