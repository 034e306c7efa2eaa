import WireFormat

/// A validated OpenID Connect authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID
/// Connect Core §3.1.2.1) for the development issuer: `response_type=code`, this issuer's client,
/// a loopback or out-of-band redirect URI, an S256 challenge, a scope containing `openid`, and an
/// optional `state` and `nonce` that travel back unchanged.
///
/// The same parameters arrive twice: in the query of `GET /authorize`, and as hidden fields of the
/// sign-in form posted back to `POST /authorize`; both are checked by this one initialiser, so a
/// form cannot carry what the query could not. Unknown parameters (sigstore sends an empty
/// `client_secret`) are ignored.
public struct AuthorizationRequest: Sendable, Equatable {
    public let clientID: String
    public let redirectURI: RedirectURI
    public let challenge: PKCEChallenge
    public let scope: String
    /// Echoed byte for byte in the redirect; nil when the client sent none.
    public let state: String?
    /// Copied into the ID token; nil when the client sent none (sigstore sends none).
    public let nonce: String?

    /// Longest `state`, `nonce` and `scope` accepted.
    public static let maxValueLength = 512

    /// The parameter names the sign-in form must carry back (the rest of the form is the identity).
    public static let parameterNames = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
                                        "code_challenge", "code_challenge_method"]

    /// Validates `parameters` for `expectedClientID` (compared as bytes).
    init(_ parameters: FormFields, expectedClientID: String) throws(AuthorizationError) {
        for name in Self.parameterNames {
            if let value = parameters[name], value.utf8.count > Self.maxValueLength {
                throw .tooLong(parameter: name, limit: Self.maxValueLength)
            }
        }
        // The redirect URI first: every later error is shown on a page, never sent there.
        redirectURI = try RedirectURI(try Self.required("redirect_uri", parameters))
        let clientID = try Self.required("client_id", parameters)
        guard clientID.isExactly(expectedClientID) else { throw .invalidClient("unknown client_id") }
        self.clientID = clientID
        let responseType = try Self.required("response_type", parameters)
        guard responseType.isExactly("code") else {
            throw .invalidParameter(name: "response_type", reason: "only code is supported")
        }
        scope = try Self.required("scope", parameters)
        guard scope.split(separator: " ").contains(where: { String($0).isExactly("openid") }) else {
            throw .invalidParameter(name: "scope", reason: "must contain openid")
        }
        challenge = try PKCEChallenge(challenge: parameters["code_challenge"], method: parameters["code_challenge_method"])
        state = parameters["state"]
        nonce = parameters["nonce"]
        for (name, value) in [("state", state), ("nonce", nonce)] {
            if let value, value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw .invalidParameter(name: name, reason: "control characters are not allowed")
            }
        }
    }

    private static func required(_ name: String, _ parameters: FormFields) throws(AuthorizationError) -> String {
        guard let value = parameters[name] else { throw .missingParameter(name) }
        return value
    }

    /// The parameters as the sign-in form's hidden fields carry them back.
    var formFields: [(name: String, value: String)] {
        var fields: [(String, String)] = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI.text), ("scope", scope),
            ("code_challenge", challenge.value), ("code_challenge_method", "S256"),
        ]
        if let state { fields.append(("state", state)) }
        if let nonce { fields.append(("nonce", nonce)) }
        return fields
    }
}
