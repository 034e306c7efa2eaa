import WireFormat

/// A redirect URI the development issuer will send a browser to: a loopback URI (RFC 8252 §7.3)
/// of the form `http://127.0.0.1:PORT/path`, `http://localhost:PORT/path` or `http://[::1]:PORT/path`,
/// or the out-of-band marker `urn:ietf:wg:oauth:2.0:oob`. Anything else is refused before any
/// redirect happens, so the issuer can never be used to bounce a code to another host.
///
/// The grammar is checked byte by byte rather than with a URL parser: parsers disagree on
/// userinfo (`http://localhost:1@evil.example/`), backslashes and case, and only the exact
/// prefixes above are loopback. The path may use RFC 3986 `pchar` bytes and `/`; no query,
/// fragment or userinfo.
public enum RedirectURI: Sendable, Equatable {
    /// The browser is redirected here with `code` and `state`.
    case loopback(String)
    /// The code is shown on the page for the user to paste into the client.
    case outOfBand

    /// The out-of-band marker of Google's installed-app flow, which sigstore and cosign send.
    public static let outOfBandMarker = "urn:ietf:wg:oauth:2.0:oob"
    /// Longest redirect URI accepted.
    public static let maxLength = 512

    private static let loopbackPrefixes = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]

    /// Parses `text`, or throws naming why it is not a loopback or out-of-band URI.
    public init(_ text: String) throws(AuthorizationError) {
        guard text.utf8.count <= Self.maxLength else { throw .tooLong(parameter: "redirect_uri", limit: Self.maxLength) }
        if text.isExactly(Self.outOfBandMarker) {
            self = .outOfBand
            return
        }
        guard let prefix = Self.loopbackPrefixes.first(where: { text.hasExactPrefix($0) }) else {
            throw .invalidRedirectURI("only http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT or \(Self.outOfBandMarker) are allowed")
        }
        let rest = Array(text.utf8.dropFirst(prefix.utf8.count))
        let digits = rest.prefix { $0.isASCIIDigit }
        guard (1...5).contains(digits.count), let port = Int(String(decoding: digits, as: UTF8.self)), (1...65_535).contains(port),
              digits.first != UInt8(ascii: "0") else {
            throw .invalidRedirectURI("the loopback redirect URI needs a port from 1 to 65535")
        }
        let path = rest.dropFirst(digits.count)
        guard path.isEmpty || path.first == UInt8(ascii: "/") else {
            throw .invalidRedirectURI("the port must be followed by a path starting with / (no userinfo, query or fragment)")
        }
        guard path.allSatisfy(Self.isPathByte) else {
            throw .invalidRedirectURI("the path may only hold unreserved characters, percent escapes, sub-delimiters, : @ and / (no query or fragment)")
        }
        self = .loopback(text)
    }

    /// RFC 3986 `pchar` or `/`, minus the sub-delimiters that would let a path smuggle a query or
    /// a second URI (`'`, `(`, `)` are harmless but unneeded; `%` is checked loosely: the URI is
    /// only ever compared byte for byte and echoed as given).
    private static func isPathByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || Array("-._~!$&+,;=:@/%*".utf8).contains(byte)
    }

    /// The URI as the client sent it (the out-of-band marker for ``outOfBand``).
    public var text: String {
        switch self {
        case .loopback(let uri): uri
        case .outOfBand: Self.outOfBandMarker
        }
    }
}
