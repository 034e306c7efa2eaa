import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import WireFormat

/// Drives the sign-in page as a browser would, in tests: GET the authorization URL, read the
/// form's hidden fields out of the HTML, post them back with an email, and exchange the code.
enum AuthorizationFlowHelper {
    static let redirectURI = "http://127.0.0.1:40123/auth/callback"

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
    }

    /// A fresh RFC 7636 verifier and its S256 challenge.
    struct PKCE {
        let verifier: String
        let challenge: String
        init() {
            verifier = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255) })
            challenge = Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        }
    }

    static func authorizeQuery(pkce: PKCE, redirectURI: String = redirectURI, state: String? = "af0ifjsldkj",
                               nonce: String? = nil, clientID: String = "sigstore") -> String {
        var fields = [("response_type", "code"), ("client_id", clientID), ("scope", "openid email"), ("redirect_uri", redirectURI),
                      ("code_challenge", pkce.challenge), ("code_challenge_method", "S256")]
        if let state { fields.append(("state", state)) }
        if let nonce { fields.append(("nonce", nonce)) }
        return encode(fields)
    }

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { percent($0.0) + "=" + percent($0.1) }.joined(separator: "&")
    }

    static func percent(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))!
    }

    static func get(_ client: some TestClientProtocol, _ query: String) async throws -> Answer {
        try await client.execute(uri: "/authorize?" + query, method: .get) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    static func post(_ client: some TestClientProtocol, _ path: String, _ body: String, headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    /// The hidden fields of the sign-in form, HTML-unescaped, in page order.
    static func hiddenFields(_ page: String) -> [(String, String)] {
        let pattern = try! NSRegularExpression(pattern: #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#)
        let range = NSRange(page.startIndex..., in: page)
        return pattern.matches(in: page, range: range).map { match in
            (unescape(String(page[Range(match.range(at: 1), in: page)!])), unescape(String(page[Range(match.range(at: 2), in: page)!])))
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Posts the page's form back with `email` (and `subject`).
    static func submit(_ client: some TestClientProtocol, page: String, email: String, subject: String? = nil) async throws -> Answer {
        var fields = hiddenFields(page)
        fields.append(("email", email))
        if let subject { fields.append(("subject", subject)) }
        return try await post(client, "/authorize", encode(fields))
    }

    /// A code for alice from the whole browser part of the flow.
    static func code(_ client: some TestClientProtocol, pkce: PKCE, nonce: String? = nil) async throws -> String {
        let page = try await get(client, authorizeQuery(pkce: pkce, nonce: nonce))
        let redirect = try await submit(client, page: page.body, email: "alice@example.com")
        guard let location = redirect.headers[.location], let code = query(of: location)?["code"] else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no code: \(redirect.status) \(redirect.body)"])
        }
        return code
    }

    static func exchange(_ client: some TestClientProtocol, code: String, verifier: String, redirectURI: String = redirectURI,
                         clientIDInBody: Bool = true, clientID: String = "sigstore", basic: String? = nil) async throws -> Answer {
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        if clientIDInBody { fields.append(("client_id", clientID)) }
        var headers: HTTPFields = [:]
        if let basic { headers[.authorization] = "Basic " + Data(basic.utf8).base64EncodedString() }
        return try await post(client, "/token", encode(fields), headers: headers)
    }

    /// The query of a redirect's Location, decoded.
    static func query(of location: String) -> [String: String]? {
        guard let components = URLComponents(string: location) else { return nil }
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }

    /// The code the out-of-band page shows.
    static func shownCode(_ page: String) -> String? {
        guard let start = page.range(of: #"<code id="code">"#), let end = page[start.upperBound...].range(of: "</code>") else { return nil }
        return unescape(String(page[start.upperBound..<end.lowerBound]))
    }
}
