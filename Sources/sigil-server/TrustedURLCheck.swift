import Foundation
import Logging
import ServerSupport
import SigstoreKit
import WireFormat

/// Whether a server listens where the data folder's trust files send clients. A folder initialised
/// for other ports and started on the defaults comes up "healthy" while every signature fails with
/// "connection refused" or "issuer … is not configured"; this says so at start-up instead.
///
/// Only loopback URLs against a loopback listener are compared: a public URL is usually a proxy's
/// or a port mapping's (docker-compose publishes 127.0.0.1:3000 to a container's 0.0.0.0:3000), and
/// its port says nothing about where the server behind it listens.
struct TrustedURLCheck {
    /// `log`, `ca`, `oidc` or `tsa`.
    let server: String
    let listener: ListenerSettings
    /// The URL the trust config gives clients for this server, nil when the folder has none.
    let trusted: String?
    /// The flag that sets this server's port, for the message (`--port`, or `--log-port` under `all`).
    let portFlag: String

    /// The services the folder's `trust_config.json` names, as clients select them (API version 1,
    /// valid now), by server; empty when the folder has no readable trust config.
    static func trustedURLs(in folder: DataFolder, now: Date = Date()) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: folder.trustConfig.path),
              let config = try? ClientTrustConfig(parsing: Array(data)) else { return [:] }
        let signing = config.signingConfig
        var urls: [String: String] = [:]
        for (server, services) in [("log", signing.rekorTlogURLs), ("ca", signing.caURLs), ("oidc", signing.oidcURLs)] {
            urls[server] = SigningConfig.select(services, supportedVersions: [1], at: now).first?.url
        }
        // The TSA by its signing-config entry (the full timestamp endpoint), else the trusted root's.
        urls["tsa"] = SigningConfig.select(signing.tsaURLs, supportedVersions: [1], at: now).first?.url
            ?? config.trustedRoot.timestampAuthorities.last(where: { $0.isValid(at: now) })?.uri
        return urls
    }

    /// What disagrees, or nil when the listener serves the trusted URL (or they cannot be compared).
    var problem: String? {
        guard let trusted, let url = ServiceURL(trusted), url.isLoopback, listener.isLoopback else { return nil }
        guard url.port != listener.port || !url.scheme.isExactly(listener.scheme) else { return nil }
        return "the trust files send clients to the \(server) at \(trusted), but it would listen on \(listener.localURL)"
    }

    /// How to make them agree.
    var fix: String {
        guard let url = trusted.flatMap(ServiceURL.init) else { return "" }
        return "\(portFlag) \(url.port)"
    }

    /// `all`: every server's trust-file URL must be where it listens, or nothing starts.
    static func requireAgreement(_ checks: [TrustedURLCheck], folder: DataFolder) throws {
        let failing = checks.filter { $0.problem != nil }
        guard !failing.isEmpty else { return }
        throw ServerError(failing.compactMap(\.problem).joined(separator: "; ")
            + "; start with \(failing.map(\.fix).joined(separator: " ")) (the ports \(folder.root.path) was initialised for, "
            + "which its config/*.json name unless edited), or initialise a new folder for these ports")
    }

    /// A single server warns instead: run alone it may sit behind a local proxy on the trusted port.
    func warnIfDisagreeing(_ logger: Logger) {
        guard let problem else { return }
        logger.warning("\(problem); clients given these trust files will not reach it (start with \(fix) unless a proxy forwards it)")
    }
}
