import WireFormat

/// A `WWW-Authenticate` challenge (RFC 7235 §4.1) as registries send it: `Basic realm="…"`, or
/// Docker's token scheme `Bearer realm="https://auth…/token",service="…",scope="…"` with
/// `error="insufficient_scope"` when a token lacked the access asked for.
enum AuthChallenge: Sendable, Equatable {
    case basic
    case bearer(realm: String, service: String?, scope: String?, error: String?)

    /// The first `Basic` or `Bearer` challenge among the header values, or nil.
    init?(headerValues: [String]) {
        for value in headerValues {
            if let challenge = Self.parse(value) {
                self = challenge
                return
            }
        }
        return nil
    }

    private static func parse(_ value: String) -> AuthChallenge? {
        var scanner = ParameterScanner(Array(value.utf8))
        guard let scheme = scanner.token()?.asciiLowercased else { return nil }
        if scheme.isExactly("basic") { return .basic }
        guard scheme.isExactly("bearer") else { return nil }
        var parameters: [String: String] = [:]
        while let (name, value) = scanner.parameter() { parameters[name.asciiLowercased] = value }
        guard let realm = parameters["realm"], !realm.isEmpty else { return nil }
        return .bearer(realm: realm, service: parameters["service"], scope: parameters["scope"], error: parameters["error"])
    }
}

/// Reads `token` and `name=token / name="quoted string"` lists, comma separated, whitespace
/// around items ignored (RFC 7235 `auth-param`, RFC 7230 §3.2.6 `quoted-string`).
private struct ParameterScanner {
    private let bytes: [UInt8]
    private var k = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
    }

    private mutating func skip(_ set: String) {
        while k < bytes.count, set.utf8.contains(bytes[k]) { k += 1 }
    }

    mutating func token() -> String? {
        skip(" \t,")
        let start = k
        while k < bytes.count, Self.isTokenByte(bytes[k]) { k += 1 }
        return k > start ? String(decoding: bytes[start..<k], as: UTF8.self) : nil
    }

    mutating func parameter() -> (String, String)? {
        guard let name = token() else { return nil }
        skip(" \t")
        guard k < bytes.count, bytes[k] == UInt8(ascii: "=") else { return nil }
        k += 1
        skip(" \t")
        if k < bytes.count, bytes[k] == UInt8(ascii: "\"") {
            k += 1
            var value: [UInt8] = []
            while k < bytes.count, bytes[k] != UInt8(ascii: "\"") {
                if bytes[k] == UInt8(ascii: "\\"), k + 1 < bytes.count { k += 1 }
                value.append(bytes[k])
                k += 1
            }
            guard k < bytes.count else { return nil }   // unterminated
            k += 1
            return (name, String(decoding: value, as: UTF8.self))
        }
        // token68 or token: up to the next comma.
        let start = k
        while k < bytes.count, bytes[k] != UInt8(ascii: ","), bytes[k] != UInt8(ascii: " ") { k += 1 }
        return (name, String(decoding: bytes[start..<k], as: UTF8.self))
    }
}
