import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOSSL
import Synchronization
import WireFormat

/// The HTTP clients registries are reached with: one per set of trusted roots (the system's, or
/// the system's plus one CA file's certificates), created on first use and kept for the
/// process's lifetime like `FailFastHTTPClient.shared`, so stores can be made and dropped
/// freely without leaking unshut clients.
///
/// Redirects are never followed by the client (`RegistryClient` follows them by hand, checking
/// each hop's scheme and dropping credentials across hosts), refused connections fail at once,
/// and reads stall out after `readTimeout`.
enum RegistryHTTPClients {
    /// Connection setup, including the TLS handshake.
    static let connectTimeout: TimeAmount = .seconds(10)
    /// The longest silence while a response streams (a layer may take long in total, but never
    /// this long between two reads).
    static let readTimeout: TimeAmount = .seconds(60)

    private static let clients = Mutex<[String: HTTPClient]>([:])

    /// The client trusting the system roots plus the PEM certificates in `caFile`, if given.
    static func client(caFile: String?) throws(ImageStoreError) -> HTTPClient {
        var roots: [NIOSSLCertificate] = []
        var key = "system"
        if let caFile {
            guard let data = FileManager.default.contents(atPath: caFile), data.count <= 4 << 20 else {
                throw .registry("cannot read the CA file \(caFile) (missing, unreadable, or larger than 4 MiB)")
            }
            do { roots = try NIOSSLCertificate.fromPEMBytes(Array(data)) } catch {
                throw .registry("the CA file \(caFile) is not a PEM certificate bundle: \(error)")
            }
            guard !roots.isEmpty else { throw .registry("the CA file \(caFile) holds no PEM certificate") }
            key = LowercaseHex.encode(SHA256.hash(data: data))
        }
        return clients.withLock { clients in
            if let client = clients[key] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            if !roots.isEmpty { tls.additionalTrustRoots = [.certificates(roots)] }
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tls, redirectConfiguration: .disallow,
                timeout: .init(connect: connectTimeout, read: readTimeout))
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }
}
