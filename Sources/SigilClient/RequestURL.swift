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

    /// `url` without the `user:password@` of its authority, if it has one.
    static func redacted(_ url: String) -> String {
        let bytes = Array(url.utf8)
        guard let schemeEnd = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes[(schemeEnd + 1)...].starts(with: Array("//".utf8)) else { return url }
        let authorityStart = schemeEnd + 3
        let authorityEnd = bytes[authorityStart...].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? bytes.endIndex
        guard let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) else { return url }
        return String(decoding: bytes[..<authorityStart] + Array("***@".utf8) + bytes[(at + 1)...], as: UTF8.self)
    }
}
