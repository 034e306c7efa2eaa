import Hummingbird
import NIOCore
import WireFormat

/// The request context of the issuer's router: Hummingbird's basic context plus the peer address,
/// which the development-only endpoints need to refuse anything but loopback clients.
public struct OIDCRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer; nil when there is no socket (e.g. Hummingbird's in-memory router tests).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Whether `address` is a loopback peer: 127.0.0.0/8, ::1, or IPv4-mapped 127.x. An unknown peer is
/// not loopback, so the development endpoints fail closed.
func isLoopback(_ address: SocketAddress?) -> Bool {
    guard let address, let ip = address.ipAddress else { return false }
    switch address.protocol {
    case .inet: return ip.hasExactPrefix("127.")
    case .inet6: return ip.isExactly("::1") || ip.asciiLowercased.hasExactPrefix("::ffff:127.")
    default: return false
    }
}
