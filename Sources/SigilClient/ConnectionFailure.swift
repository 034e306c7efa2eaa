import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// What a failed request tells a user: "could not connect to http://127.0.0.1:3000: connection
/// refused", instead of NIO's description of the socket error ("connection reset (error set):
/// Connection refused) (errno: 111)"). The URL named is the server's base URL, the thing a user
/// configured and can correct; errors with no plainer wording keep their own description.
enum ConnectionFailure {
    static func message(for error: any Error, server named: String, path: String) -> String {
        let server = RequestURL.redacted(named)
        if let error = error as? IOError, let reason = socketReason(error.errnoCode) {
            return "could not connect to \(server): \(reason)"
        }
        if let error = error as? HTTPClientError, let message = clientMessage(error, server: server) {
            return message
        }
        if let error = error as? NIOSSLError, case .handshakeFailed = error {
            // BoringSSL's error stack names the failing check, but in its own words; say what to do.
            let verify = "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
            return "the TLS handshake with \(server) failed: " + (verify
                ? "its certificate is not trusted (not issued by a CA this client trusts, expired, or for another host)"
                : "\(error)")
        }
        return "could not reach \(server)\(path): \(error)"
    }

    /// The connection failures a user can act on, by `errno`.
    private static func socketReason(_ code: CInt) -> String? {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ECONNRESET: "the connection was reset"
        case EHOSTUNREACH: "no route to the host"
        case ENETUNREACH: "the network is unreachable"
        case ETIMEDOUT: "the connection timed out"
        default: nil
        }
    }

    private static func clientMessage(_ error: HTTPClientError, server: String) -> String? {
        switch error {
        case .connectTimeout: "could not connect to \(server): the connection timed out"
        case .remoteConnectionClosed: "\(server) closed the connection before answering"
        case .deadlineExceeded, .readTimeout: "\(server) did not answer in time"
        default: nil
        }
    }
}
