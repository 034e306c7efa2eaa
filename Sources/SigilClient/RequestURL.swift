import Foundation
import WireFormat

/// URLs as the client requests them and as it names them in messages.
///
/// A URL reaches AsyncHTTPClient from a flag, a trust config, TUF metadata or a registry's
/// redirect, and NIO traps (ends the process) on a port outside 0–65535, so each is checked
/// first. A URL may carry `user:password@`, which AsyncHTTPClient sends as basic authentication;
/// messages name the URL without it.
enum RequestURL {
    /// Why `url` cannot be requested, or nil when it can.
    static func problem(_ url: String) -> String? {
        guard let parts = URLComponents(string: url), parts.host.map({ !$0.isEmpty }) == true else {
            return "\(UntrustedText.quoted(redacted(url))) is not an absolute URL with a host"
        }
        if let port = parts.port, !(1...65_535).contains(port) {
            return "\(UntrustedText.quoted(redacted(url))) names port \(port), outside 1–65535"
        }
        return nil
    }

    /// `url` without the `user:password@` of its authority, if it has one: after `scheme://`, after
    /// a leading `//`, or from the start of text with neither (a mistyped flag). The userinfo ends
    /// at the last `@` before any `?` or `#`, since a password may hold `/` and `@`.
    static func redacted(_ url: String) -> String {
        let bytes = Array(url.utf8)
        var authorityStart = 0
        if let separator = firstIndex(of: Array("://".utf8), in: bytes), separator > 0,
           bytes[..<separator].allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) {
            authorityStart = separator + 3
        } else if bytes.starts(with: Array("//".utf8)) {
            authorityStart = 2
        }
        let end = bytes[authorityStart...].firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        guard let at = bytes[authorityStart..<end].lastIndex(of: UInt8(ascii: "@")) else { return url }
        return String(decoding: bytes[..<authorityStart] + Array("***@".utf8) + bytes[(at + 1)...], as: UTF8.self)
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
