import Foundation

/// Unpadded base64url (RFC 4648 §5), the encoding JWS (RFC 7515 §2) uses for every segment and
/// JWK (RFC 7518 §6) for every key parameter.
enum Base64URL {
    static func encode(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
