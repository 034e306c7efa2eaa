import Foundation
import SigstoreKit
import WireFormat

/// The parts of a service URL (`http://127.0.0.1:3000`) that say where a server on this machine
/// must listen for clients given that URL to reach it.
struct ServiceURL {
    let scheme: String
    let host: String
    let port: Int

    /// Nil unless `text` is an absolute `http` or `https` URL with a host.
    init?(_ text: String) {
        guard let url = URL(string: text), let scheme = url.scheme?.asciiLowercased, let host = url.host, !host.isEmpty else { return nil }
        // Lowercased in ASCII only and compared as bytes; anything else is not a scheme we serve.
        guard scheme.isExactly("http") || scheme.isExactly("https") else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = url.port ?? (scheme.isExactly("https") ? 443 : 80)
    }

    /// Whether the URL names this machine's loopback interface: then it can only be reached at the
    /// port it names (no proxy or port mapping in between is plausible), so that port is where the
    /// server must listen.
    var isLoopback: Bool {
        host.isExactly("localhost") || host.hasExactPrefix("127.") || host.isExactly("::1") || host.isExactly("[::1]")
    }
}
