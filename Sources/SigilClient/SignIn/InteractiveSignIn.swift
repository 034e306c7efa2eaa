import Crypto
import Foundation
import WireFormat

/// Signs a person in at an OpenID provider with the authorization-code flow and PKCE S256
/// (RFC 6749 §4.1, RFC 7636, RFC 8252 for native apps), as cosign does when it has no token:
/// either a browser is opened on the authorization URL and the provider redirects to a one-shot
/// loopback listener, or (out of band) the URL is printed and the user pastes the code the
/// provider shows. Works with any provider whose discovery document offers the flow; the ID
/// token must carry the nonce that was sent and name the issuer that was asked.
public struct InteractiveSignIn: Sendable {
    /// How the authorization response comes back.
    public enum Mode: Sendable {
        /// Open the URL with `open` (e.g. ``BrowserLauncher``) and wait at a loopback listener.
        case browser(open: @Sendable (String) -> Bool)
        /// Print the URL and read the code with `readCode`.
        case outOfBand(readCode: @Sendable () -> String?)
    }

    public let issuer: String
    public let clientID: String
    /// For providers whose client is confidential; nil for public clients (`sigstore`).
    public let clientSecret: String?
    public let mode: Mode
    /// Where instructions for the user go (standard error in the CLI).
    public let tell: @Sendable (String) -> Void
    /// How long to wait for the browser's redirect.
    public var timeout: Duration = .seconds(300)

    public static let outOfBandRedirectURI = "urn:ietf:wg:oauth:2.0:oob"

    public init(issuer: String, clientID: String = "sigstore", clientSecret: String? = nil, mode: Mode,
                tell: @escaping @Sendable (String) -> Void) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.mode = mode
        self.tell = tell
    }

    /// Runs the flow and returns the ID token.
    public func signIn() async throws(TokenError) -> IdentityToken {
        let endpoints = try await OpenIDProviderEndpoints.discover(issuer: issuer)
        let verifier = Base64URL.encode(Self.randomBytes(32))
        let challenge = Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8))))
        let state = Base64URL.encode(Self.randomBytes(16))
        let nonce = Base64URL.encode(Self.randomBytes(16))
        let code: String, redirectURI: String
        switch mode {
        case .browser(let open):
            let listener: LoopbackRedirectListener
            do { listener = try await LoopbackRedirectListener.start() } catch {
                throw .signIn("cannot listen on loopback for the sign-in redirect: \(error)")
            }
            redirectURI = listener.redirectURI
            let url = authorizationURL(endpoints, redirectURI: redirectURI, challenge: challenge, state: state, nonce: nonce)
            let opened = open(url)
            tell((opened ? "Opened your browser to sign in at \(issuer). If it did not open, visit:"
                         : "No browser could be started (set BROWSER). To sign in at \(issuer), visit:") + "\n\n    \(url)\n")
            let query: String
            do { query = try await listener.callbackQuery(timeout: timeout) } catch {
                await listener.close()
                throw .signIn("\(error)")
            }
            await listener.close()
            code = try Self.code(fromCallback: query, expectedState: state)
        case .outOfBand(let readCode):
            redirectURI = Self.outOfBandRedirectURI
            let url = authorizationURL(endpoints, redirectURI: redirectURI, challenge: challenge, state: state, nonce: nonce)
            tell("To sign in at \(issuer), visit this URL in a browser and enter the code it shows:\n\n    \(url)\n\nCode: ")
            guard let typed = readCode()?.trimmingCharacters(in: .whitespacesAndNewlines), !typed.isEmpty else {
                throw .signIn("no code was entered")
            }
            code = typed
        }
        let idToken = try await exchange(code: code, redirectURI: redirectURI, verifier: verifier, at: endpoints)
        let token = try IdentityToken(idToken)
        guard token.issuer.isExactly(issuer) else { throw .signIn("the ID token was issued by \(Self.printable(token.issuer)), not \(issuer)") }
        guard let claims = Self.claims(of: idToken), claims["nonce"]?.stringValue?.isExactly(nonce) == true else {
            throw .signIn("the ID token does not carry the nonce of this sign-in")
        }
        return token
    }

    /// The authorization request (RFC 6749 §4.1.1 with RFC 7636 §4.3 and OpenID Connect Core §3.1.2.1).
    func authorizationURL(_ endpoints: OpenIDProviderEndpoints, redirectURI: String, challenge: String,
                          state: String, nonce: String) -> String {
        let parameters = [("response_type", "code"), ("client_id", clientID), ("scope", "openid email"),
                          ("redirect_uri", redirectURI), ("code_challenge", challenge), ("code_challenge_method", "S256"),
                          ("state", state), ("nonce", nonce)]
        let separator = endpoints.authorizationEndpoint.contains("?") ? "&" : "?"
        return endpoints.authorizationEndpoint + separator + Self.formEncoded(parameters)
    }

    /// The code of a redirect's query, after checking `state` byte for byte and that no `error` came back.
    static func code(fromCallback query: String, expectedState: String) throws(TokenError) -> String {
        guard let fields = formDecoded(query) else { throw .signIn("the sign-in redirect's query is malformed") }
        if let error = fields["error"] {
            let detail = fields["error_description"].map { ": " + printable($0) } ?? ""
            throw .signIn("the provider refused the sign-in (\(printable(error))\(detail))")
        }
        guard let state = fields["state"], state.isExactly(expectedState) else {
            throw .signIn("the sign-in redirect carried another state: it was not the answer to this sign-in")
        }
        guard let code = fields["code"], !code.isEmpty else { throw .signIn("the sign-in redirect carried no code") }
        return code
    }

    /// The code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5); returns the `id_token`.
    private func exchange(code: String, redirectURI: String, verifier: String,
                          at endpoints: OpenIDProviderEndpoints) async throws(TokenError) -> String {
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        var headers: [(String, String)] = []
        if let clientSecret {
            // RFC 6749 §2.3.1: each half form-encoded, then joined with ':' and base64-encoded.
            let credentials = Self.formComponent(clientID) + ":" + Self.formComponent(clientSecret)
            headers.append(("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()))
        } else {
            fields.append(("client_id", clientID))
        }
        let transport = HTTPTransport(baseURL: endpoints.tokenEndpoint)
        let answer: HTTPTransport.Answer
        do {
            answer = try await transport.send(.POST, "", body: Array(Self.formEncoded(fields).utf8),
                                              contentType: "application/x-www-form-urlencoded", headers: headers)
        } catch {
            throw .signIn("the token endpoint could not be reached: \(error)")
        }
        let document = try? JSONValue(parsing: answer.body)
        guard (200..<300).contains(answer.status) else {
            let reason = [document?["error"]?.stringValue, document?["error_description"]?.stringValue].compactMap { $0 }.map(Self.printable)
            throw .signIn("the token endpoint answered HTTP \(answer.status)" + (reason.isEmpty ? "" : ": " + reason.joined(separator: ": ")))
        }
        guard let idToken = document?["id_token"]?.stringValue, !idToken.isEmpty else {
            throw .signIn("the token endpoint answered without an id_token")
        }
        return idToken
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private static func claims(of jwt: String) -> JSONValue? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]) else { return nil }
        return try? JSONValue(parsing: payload)
    }

    /// `application/x-www-form-urlencoded` (RFC 3986 unreserved characters kept, all else escaped).
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { formComponent($0.0) + "=" + formComponent($0.1) }.joined(separator: "&")
    }

    static func formComponent(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte.isASCIIAlphanumeric || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// The fields of a query, or nil when a name repeats or an escape is bad (a second `state`
    /// or `code` is never "last one wins").
    static func formDecoded(_ query: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let value = parts.count == 2 ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding : "",
                  fields[name] == nil else { return nil }
            fields[name] = value
        }
        return fields
    }

    /// A provider's text, safe to print: control characters dropped, at most 200 characters.
    static func printable(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar.value >= 0x20 && scalar.value != 0x7F {
            guard kept.count < 200 else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
