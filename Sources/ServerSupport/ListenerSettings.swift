import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL

/// Where and how a server listens: address, port, and TLS from a certificate chain and key in PEM
/// files. Plain HTTP is allowed on loopback addresses; anywhere else it needs TLS or an explicit
/// `allowPlainHTTP` (for a server behind a TLS-terminating proxy or inside a private container
/// network), so a server is never exposed unencrypted by accident. ``ConnectionLimits`` bound how
/// long clients may take and how many connections stay open.
public struct ListenerSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// PEM certificate chain (leaf first) and PEM private key; both or neither.
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var allowPlainHTTP: Bool
    public var limits: ConnectionLimits
    /// Where the TLS paths were set (a file, a variable), for messages about them.
    var tlsSources: (certificate: String, key: String)?

    public static func == (a: Self, b: Self) -> Bool {
        a.host == b.host && a.port == b.port && a.tlsCertificate == b.tlsCertificate && a.tlsKey == b.tlsKey
            && a.allowPlainHTTP == b.allowPlainHTTP && a.limits == b.limits
    }

    public init(host: String, port: Int, tlsCertificate: String? = nil, tlsKey: String? = nil, allowPlainHTTP: Bool = false,
                limits: ConnectionLimits = ConnectionLimits()) {
        self.host = host
        self.port = port
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.allowPlainHTTP = allowPlainHTTP
        self.limits = limits
    }

    /// The settings keys this type reads, for `SettingsReader`'s list of known keys.
    public static let keys: Set<String> = Set(["host", "port", "tls.certificate", "tls.key", "allowPlainHTTP"]).union(ConnectionLimits.keys)

    /// Reads the listener from a server's settings; flags override the file and environment.
    public static func read(from reader: SettingsReader, defaultPort: Int, host: String?, port: Int?) throws(ConfigurationError) -> Self {
        var settings = ListenerSettings(
            host: try reader.string("host", flag: ("host", host), default: "127.0.0.1"),
            port: try reader.integer("port", flag: ("port", port), default: defaultPort, range: 1...65_535),
            tlsCertificate: try reader.optionalString("tls.certificate"),
            tlsKey: try reader.optionalString("tls.key"),
            allowPlainHTTP: try reader.bool("allowPlainHTTP", default: false),
            limits: try ConnectionLimits.read(from: reader))
        func source(_ key: String) -> String { reader.origin(of: key, flag: nil, flagSet: false) }
        switch (settings.tlsCertificate, settings.tlsKey) {
        case (nil, nil):
            guard settings.isLoopback || settings.allowPlainHTTP else {
                throw ConfigurationError(
                    source: reader.origin(of: "host", flag: "host", flagSet: host != nil), field: "host",
                    problem: "\(settings.host) is not a loopback address; set tls.certificate and tls.key, or allowPlainHTTP: true behind a TLS proxy")
            }
        case (.some, nil):
            throw ConfigurationError(source: source("tls.certificate"), field: "tls.key", problem: "tls.certificate is set, so tls.key is required")
        case (nil, .some):
            throw ConfigurationError(source: source("tls.key"), field: "tls.certificate", problem: "tls.key is set, so tls.certificate is required")
        case (.some, .some): settings.tlsSources = (source("tls.certificate"), source("tls.key"))
        }
        return settings
    }

    /// Whether `host` only accepts connections from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    public var scheme: String { tlsCertificate == nil ? "http" : "https" }

    /// The base URL clients on this machine would use.
    public var localURL: String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return "\(scheme)://\(shown):\(port)"
    }

    /// Fails when the address cannot be bound (in use, or not an address of this machine), so that
    /// start-up stops with host and port named before anything reports itself ready. The listener
    /// binds again for real moments later.
    public func checkAvailable() throws(ConfigurationError) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw ConfigurationError(source: "listener", field: "host", problem: "\(host) is not an address of this machine")
        }
        defer { freeaddrinfo(results) }
        let socket = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard socket >= 0 else { return }
        defer { close(socket) }
        var on: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            throw ConfigurationError(source: "listener", field: "port", problem: "cannot listen on \(host):\(port): \(reason)")
        }
    }

    /// The Hummingbird server for these settings: HTTP/1.1, wrapped in TLS when configured, with the
    /// connection limits applied. Loading the certificate and key here means a bad file stops
    /// start-up with its path named.
    public func serverBuilder() throws(ConfigurationError) -> HTTPServerBuilder {
        let limits = self.limits
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [ResponseFlushCoalescer(), RequestDeadlineHandler(limits: limits)],
                                              idleTimeout: TimeAmount(limits.idleTimeout))
        guard let certificatePath = tlsCertificate, let keyPath = tlsKey else {
            return HTTPServerBuilder { responder in
                LimitedChildChannel(base: HTTP1Channel(responder: responder, configuration: http), maxConnections: limits.maxConnections)
            }
        }
        // "environment SIGIL_LOG_TLS_KEY (/etc/tls/key.pem)", or just the path when a file set it.
        func named(_ path: String, _ source: String?) -> String {
            guard let source, !source.hasPrefix("/"), source != "default" else { return path }
            return "\(source) (\(path))"
        }
        let certificateName = named(certificatePath, tlsSources?.certificate), keyName = named(keyPath, tlsSources?.key)
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw ConfigurationError(source: certificateName, field: "tls.certificate", problem: "not a readable PEM certificate chain")
        }
        guard !chain.isEmpty else {
            throw ConfigurationError(source: certificateName, field: "tls.certificate", problem: "holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            // The key's bytes never appear in the message.
            throw ConfigurationError(source: keyName, field: "tls.key", problem: "not a readable PEM private key")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        // The TLS context is what checks that the key belongs to the certificate; make one now so a
        // mismatched pair stops start-up here, named, rather than when the listener opens.
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw ConfigurationError(source: keyName, field: "tls.key", problem: "does not belong to the certificate in \(certificatePath)")
        }
        return HTTPServerBuilder { responder in
            LimitedChildChannel(base: try TLSChannel(HTTP1Channel(responder: responder, configuration: http), tlsConfiguration: configuration),
                                maxConnections: limits.maxConnections)
        }
    }
}
