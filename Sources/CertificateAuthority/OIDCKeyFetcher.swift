import AsyncHTTPClient
import Foundation
import NIOCore
import SigstoreKit

/// Fetches an issuer's signing keys. The CA only calls this for configured issuers; tests inject
/// an in-memory implementation so they never touch the network.
public protocol OIDCKeyFetcher: Sendable {
    /// The current JWKS of `issuerURL`, found through its discovery document.
    func fetchKeys(issuerURL: String) async throws(TokenError) -> JSONWebKeySet
}

/// OpenID Connect Discovery 1.0 over HTTP: `GET {iss}/.well-known/openid-configuration`, check that
/// its `issuer` is byte-identical to `iss` (§4.3), then `GET jwks_uri`.
public struct HTTPOIDCKeyFetcher: OIDCKeyFetcher {
    let httpClient: HTTPClient
    let timeout: TimeAmount
    let baseURLOverrides: [String: String]
    /// Discovery documents and JWKS are small; a bigger answer is an attack or a misconfiguration.
    static let maxResponseBytes = 1 << 20

    /// Uses `httpClient` (its redirect policy applies; a client with `.disallow` redirects matches
    /// Fulcio, which refuses redirects to other hosts). Each fetch times out after `timeout`.
    ///
    /// `baseURLOverrides` maps an issuer's public base URL to where the CA can reach it, for
    /// deployments where they differ (e.g. `http://127.0.0.1:5556` → `http://oidc:5556` between
    /// containers). Both the discovery and the JWKS URL are rewritten; the discovery document must
    /// still name the public issuer URL.
    public init(httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(10), baseURLOverrides: [String: String] = [:]) {
        self.httpClient = httpClient
        self.timeout = timeout
        self.baseURLOverrides = baseURLOverrides
    }

    /// `url` with the longest matching overridden prefix replaced.
    func reachable(_ url: String) -> String {
        let match = baseURLOverrides.keys.filter { url.hasPrefix($0) }.max { $0.count < $1.count }
        guard let match, let target = baseURLOverrides[match] else { return url }
        return target + url.dropFirst(match.count)
    }

    public func fetchKeys(issuerURL: String) async throws(TokenError) -> JSONWebKeySet {
        let discovery = try await get(issuerURL + "/.well-known/openid-configuration", issuer: issuerURL)
        guard let doc = try? JSONValue(parsing: discovery) else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document is not JSON")
        }
        guard doc["issuer"]?.stringValue == issuerURL else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document names a different issuer")
        }
        guard let jwksURI = doc["jwks_uri"]?.stringValue else {
            throw .discoveryFailed(issuer: issuerURL, reason: "discovery document has no jwks_uri")
        }
        return try JSONWebKeySet(json: try await get(jwksURI, issuer: issuerURL))
    }

    private func get(_ url: String, issuer: String) async throws(TokenError) -> [UInt8] {
        do {
            var request = HTTPClientRequest(url: reachable(url))
            request.headers.add(name: "accept", value: "application/json")
            let response = try await httpClient.execute(request, timeout: timeout)
            guard response.status == .ok else {
                throw TokenError.discoveryFailed(issuer: issuer, reason: "GET \(url) answered \(response.status.code)")
            }
            return Array(buffer: try await response.body.collect(upTo: Self.maxResponseBytes))
        } catch let error as TokenError {
            throw error
        } catch {
            throw .discoveryFailed(issuer: issuer, reason: "GET \(url) failed: \(error)")
        }
    }
}
