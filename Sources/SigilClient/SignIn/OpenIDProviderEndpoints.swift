import Foundation
import WireFormat

/// The endpoints of an OpenID provider, read from its discovery document
/// (`{issuer}/.well-known/openid-configuration`, OpenID Connect Discovery 1.0 §4). The document
/// must name the issuer it was fetched for byte for byte (§4.3), and every endpoint must be
/// HTTPS or plain HTTP on loopback, so a sign-in never sends a code or verifier in the clear.
public struct OpenIDProviderEndpoints: Sendable, Equatable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String

    /// Fetches and checks the discovery document of `issuer`.
    public static func discover(issuer: String) async throws(TokenError) -> OpenIDProviderEndpoints {
        try requireSecure(issuer, what: "the OIDC issuer")
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        let transport = HTTPTransport(baseURL: base)
        let document: JSONValue
        do {
            let answer = try await transport.send(.GET, "/.well-known/openid-configuration")
            guard (200..<300).contains(answer.status) else { throw HTTPTransport.failure(answer, path: "/.well-known/openid-configuration") }
            document = try JSONValue(parsing: answer.body)
        } catch {
            throw .signIn("cannot read the discovery document of \(issuer): \(error)")
        }
        return try OpenIDProviderEndpoints(document: document, issuer: issuer)
    }

    /// Checks a discovery document fetched for `issuer`.
    public init(document: JSONValue, issuer: String) throws(TokenError) {
        guard let named = document["issuer"]?.stringValue, named.isExactly(issuer) else {
            throw .signIn("the discovery document of \(issuer) names another issuer (\(document["issuer"]?.stringValue ?? "none"))")
        }
        guard let authorization = document["authorization_endpoint"]?.stringValue else {
            throw .signIn("\(issuer) has no authorization_endpoint: it does not offer browser sign-in")
        }
        guard let token = document["token_endpoint"]?.stringValue else { throw .signIn("\(issuer) has no token_endpoint") }
        if let methods = document["code_challenge_methods_supported"]?.arrayValue,
           !methods.contains(where: { $0.stringValue?.isExactly("S256") == true }) {
            throw .signIn("\(issuer) does not support PKCE with S256")
        }
        try Self.requireSecure(authorization, what: "the authorization endpoint")
        try Self.requireSecure(token, what: "the token endpoint")
        self.issuer = issuer
        authorizationEndpoint = authorization
        tokenEndpoint = token
    }

    /// HTTPS, or HTTP to a loopback host (the development issuer).
    static func requireSecure(_ url: String, what: String) throws(TokenError) {
        if url.hasExactPrefix("https://") { return }
        for loopback in ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:", "http://[::1]/"]
        where url.hasExactPrefix(loopback) { return }
        if ["http://127.0.0.1", "http://localhost", "http://[::1]"].contains(where: { url.isExactly($0) }) { return }
        throw .signIn("\(what) \(url) is neither HTTPS nor loopback HTTP")
    }
}
