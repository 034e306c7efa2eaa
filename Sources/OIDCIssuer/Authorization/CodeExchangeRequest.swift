import Foundation
import WireFormat

/// A token request with `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5) and the
/// client it authenticates as. Two client authentications are accepted for the public client:
/// `none`, with `client_id` in the body, and HTTP Basic with an empty secret (RFC 6749 §2.3.1),
/// which is what sigstore-python sends (`auth=("sigstore", "")`, no `client_id` in the body).
/// When both name a client they must agree.
struct CodeExchangeRequest: Sendable {
    let code: String
    let redirectURI: String
    let verifier: String
    let clientID: String

    /// Longest code, verifier or redirect URI accepted; real ones are 43, 43–128 and under 512.
    static let maxValueLength = 512

    init(form: FormFields, authorization: String?) throws(AuthorizationError) {
        for name in ["code", "redirect_uri", "code_verifier", "client_id"] {
            if let value = form[name], value.utf8.count > Self.maxValueLength {
                throw .tooLong(parameter: name, limit: Self.maxValueLength)
            }
        }
        guard let code = form["code"] else { throw .missingParameter("code") }
        guard let redirectURI = form["redirect_uri"] else { throw .missingParameter("redirect_uri") }
        guard let verifier = form["code_verifier"] else { throw .missingParameter("code_verifier") }
        var basicClient: String?
        if let authorization { basicClient = try Self.basicClientID(authorization) }
        switch (basicClient, form["client_id"]) {
        case (nil, nil): throw .invalidClient("authenticate with client_id in the body or HTTP Basic with an empty secret")
        case (let basic?, let body?) where !basic.isExactly(body):
            throw .invalidClient("the Basic credentials and client_id name different clients")
        case (let basic?, _): clientID = basic
        case (nil, let body?): clientID = body
        }
        self.code = code
        self.redirectURI = redirectURI
        self.verifier = verifier
    }

    /// The client ID of an `Authorization: Basic` header whose secret is empty: the issuer has
    /// public clients only, and a non-empty secret means the caller expects a check that is not made.
    private static func basicClientID(_ header: String) throws(AuthorizationError) -> String {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, String(parts[0]).asciiLowercased.isExactly("basic") else {
            throw .invalidClient("only HTTP Basic client authentication is supported")
        }
        // Basic credentials are standard base64 (RFC 7617 §2), padded.
        guard let decoded = Data(base64Encoded: String(parts[1])), let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else {
            throw .invalidClient("malformed HTTP Basic credentials")
        }
        // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined.
        guard let id = String(text[..<colon]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
              !id.isEmpty else { throw .invalidClient("malformed HTTP Basic credentials") }
        guard text[text.index(after: colon)...].isEmpty else {
            throw .invalidClient("this development issuer has public clients only: the client secret must be empty")
        }
        return id
    }
}
