import Foundation

/// Where a log's PostgreSQL database is and how to log in: parsed from a
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|prefer|require|verify-full][&sslrootcert=CA.pem]`
/// URL, with the password read from a file beside it. With TLS the server's certificate and host
/// name are always verified, against `sslrootcert` or the system's trust store. A host that is a percent-encoded absolute path
/// (`postgres://sigil@%2Fvar%2Frun%2Fpostgresql/sigil`) names the folder of a Unix socket.
///
/// The password never appears in `description`, errors or logs: `redacted` is the only form printed.
public struct PostgresURL: Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var username: String
    public var password: String?
    /// A host name or address, or the folder holding the server's Unix socket.
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// PEM file of the certificate authorities the server's certificate must chain to
    /// (`sslrootcert`); nil trusts the system's.
    public var rootCertificates: String?

    /// Why a URL or password file was refused. Never quotes the password.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String, passwordFile: String? = nil) throws(Problem) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw Problem(description: "\(Self.redact(text)) is not a postgres://user@host:port/database URL")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Problem(description: "\(Self.redact(text)) names no user (postgres://USER@host/database)")
        }
        let host = components.host.flatMap { $0.removingPercentEncoding } ?? ""
        guard !host.isEmpty else { throw Problem(description: "\(Self.redact(text)) names no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw Problem(description: "\(Self.redact(text)) names no database (postgres://user@host:port/DATABASE)")
        }
        var tls = TLSMode.prefer
        var rootCertificates: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                // verify-full is libpq's name for what require does here: the server's certificate
                // and host name are always checked when TLS is used.
                guard let value = item.value, let mode = value == "verify-full" ? .require : TLSMode(rawValue: value) else {
                    throw Problem(description: "sslmode must be disable, prefer, require or verify-full, not \(item.value ?? "empty")")
                }
                tls = mode
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw Problem(description: "sslrootcert names no file") }
                guard FileManager.default.isReadableFile(atPath: value) else {
                    throw Problem(description: "sslrootcert \(value) cannot be read")
                }
                rootCertificates = value
            default:
                throw Problem(description: "unknown URL parameter \(item.name) (known: sslmode, sslrootcert)")
            }
        }
        self.rootCertificates = rootCertificates
        self.username = user.removingPercentEncoding ?? user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.tls = tls
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        if let passwordFile {
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw Problem(description: "the PostgreSQL password file \(passwordFile) cannot be read")
            }
            // One line; a trailing newline is an editor's, not the password's.
            self.password = String(contents.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
    }

    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// The URL as it may be printed: no password.
    public var redacted: String {
        let shownHost = isUnixSocket ? host : (host.contains(":") ? "[\(host)]" : host)
        return "postgres://\(username)@\(shownHost):\(port)/\(database)"
    }

    public var description: String { redacted }

    /// A URL as typed, with any password cut out, for messages about a URL that did not parse.
    public static func redact(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return "the PostgreSQL URL" }
        // User information ends at the last `@` before the query: an `@` in the query (a file
        // path) is data. A `/` does not end the search, so a mistyped password holding one is
        // still cut out rather than printed.
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let rest = text[schemeEnd.upperBound..<authorityEnd]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userInfo = rest[..<at]
        let user = userInfo.split(separator: ":", maxSplits: 1).first ?? ""
        return String(text[..<schemeEnd.upperBound]) + user + String(text[at...])
    }
}
