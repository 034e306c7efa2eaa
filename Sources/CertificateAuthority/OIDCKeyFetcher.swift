import AsyncHTTPClient
import Foundation
import NIOCore
import SigstoreKit
import WireFormat

/// Fetches an issuer's signing keys. The CA only calls this for configured issuers; tests inject
/// an in-memory implementation so they never touch the network.
public protocol OIDCKeyFetcher: Sendable {
    /// The current JWKS of `issuerURL`, found through its discovery document, with the lifetime
    /// its response advertises (`Cache-Control`).
    func fetchKeys(issuerURL: String) async throws(TokenError) -> FetchedKeySet
}

/// OpenID Connect Discovery 1.0 over HTTP: `GET {iss}/.well-known/openid-configuration`, check that
/// its `issuer` is byte-identical to `iss` (§4.3), then `GET jwks_uri`, whose `Cache-Control`
/// and `Age` give the key set's lifetime (`HTTPFreshness`).
public struct HTTPOIDCKeyFetcher: OIDCKeyFetcher {
    let httpClient: HTTPClient
    let timeout: TimeAmount
    /// Keyed by bytes: two issuer URLs that differ only by Unicode canonical equivalence are two
    /// different issuers, and must not share (or shadow) each other's override.
    let baseURLOverrides: [ExactString: String]
    /// Discovery documents and JWKS are small; a bigger answer is an attack or a misconfiguration.
    static let maxResponseBytes = 1 << 20

    /// Uses `httpClient` (its redirect policy applies; a client with `.disallow` redirects matches
    /// Fulcio, which refuses redirects to other hosts). Each fetch times out after `timeout`.
    ///
    /// `baseURLOverrides` maps an issuer's public base URL to where the CA can reach it, for
    /// deployments where they differ (e.g. `http://127.0.0.1:5556` → `http://oidc:5556` between
    /// containers). Both the discovery and the JWKS URL are rewritten; the discovery document must
    /// still name the public issuer URL. Prefixes match byte for byte.
    public init(httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(10), baseURLOverrides: [ExactString: String] = [:]) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.baseURLOverrides = baseURLOverrides
    }

    /// `url` with the longest matching overridden prefix (compared as UTF-8 bytes) replaced.
    func reachable(_ url: String) -> String {
        let match = baseURLOverrides.keys.filter { url.hasExactPrefix($0.text) }.max { $0.utf8.count < $1.utf8.count }
        guard let match, let target = baseURLOverrides[match] else { return url }
        // The prefix is whole UTF-8, so the rest starts on a scalar boundary and decodes unchanged.
        return target + String(decoding: url.utf8.dropFirst(match.utf8.count), as: UTF8.self)
    }

    /// Both requests, their bodies included, within one `timeout`: AsyncHTTPClient's own deadline
    /// ends when a response's head arrives, and a host that trickles its body would otherwise hold
    /// the fetch (and a connection) for as long as it keeps sending.
    public func fetchKeys(issuerURL: String) async throws(TokenError) -> FetchedKeySet {
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: FetchedKeySet?.self) { group in
                group.addTask { try await self.fetchKeysUnbounded(issuerURL: issuerURL) }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let keys = first else {
                    throw TokenError.discoveryFailed(issuer: issuerURL, reason: "no complete answer within \(Double(timeout.nanoseconds) / 1e9) s")
                }
                return keys
            }
        } catch let error as TokenError {
            throw error
        } catch {
            throw .discoveryFailed(issuer: issuerURL, reason: "\(error)")
        }
    }

    private func fetchKeysUnbounded(issuerURL: String) async throws(TokenError) -> FetchedKeySet {
        let discovery = try await get(issuerURL + "/.well-known/openid-configuration", issuer: issuerURL).body
        guard let doc = try? JSONValue(parsing: discovery) else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document is not JSON")
        }
        guard let named = doc["issuer"]?.stringValue, named.isExactly(issuerURL) else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document names a different issuer")
        }
        guard let jwksURI = doc["jwks_uri"]?.stringValue else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document has no jwks_uri")
        }
        let jwks = try await get(jwksURI, issuer: issuerURL)
        return FetchedKeySet(keys: try JSONWebKeySet(json: jwks.body), maxAge: jwks.maxAge)
    }

    /// The body of `GET url`, and how long it may be reused (`HTTPFreshness`).
    private func get(_ url: String, issuer: String) async throws(TokenError) -> (body: [UInt8], maxAge: Double?) {
        // A port NIO cannot hold traps the process (the whole CA) inside AsyncHTTPClient, and a
        // discovery document, which the issuer's host writes, names the JWKS URL.
        if let port = URLComponents(string: reachable(url))?.port, !(1...65_535).contains(port) {
            throw .discoveryFailed(issuer: issuer, reason: "\(UntrustedText.quoted(url, limit: 200)) names port \(port), outside 1–65535")
        }
        do {
            var request = HTTPClientRequest(url: reachable(url))
            request.headers.add(name: "accept", value: "application/json")
            let response = try await httpClient.execute(request, timeout: timeout)
            guard response.status == .ok else {
                throw TokenError.discoveryFailed(issuer: issuer, reason: "GET \(url) answered \(response.status.code)")
            }
            let maxAge = HTTPFreshness.lifetime(cacheControl: response.headers["cache-control"], age: response.headers["age"])
            return (Array(buffer: try await response.body.collect(upTo: Self.maxResponseBytes)), maxAge)
        } catch let error as TokenError {
            throw error
        } catch {
            throw .discoveryFailed(issuer: issuer, reason: "GET \(url) failed: \(error)")
        }
    }
}
