import Foundation
import WireFormat

/// How Sigil reaches registries: credentials, trust and transport.
///
/// Credentials: `credentials` when given and meant for the registry (`credentialsRegistry`; the
/// CLI's `--registry-username` with `--registry-password-stdin` are the named image's registry's,
/// so a copy never hands one registry's password to another), else the `auths` entry for the
/// registry in Docker's `config.json` at `dockerConfigPath`, else none (anonymous, as public
/// registries allow for pulls).
///
/// The transport rule, fixed so that a reference always means the same connection:
/// - `.automatic`: `https://`, except `http://` for loopback hosts (`localhost`, 127.0.0.0/8,
///   `[::1]`) when no `caFile` is given, as Docker treats local registries as insecure. Docker
///   would try HTTPS first and fall back; Sigil does not guess.
///   Registries in `plainHTTPRegistries` (the CLI's `--allow-http-registry HOST[:PORT]`, as
///   Docker's `insecure-registries`) are reached over plain HTTP too.
/// - `.tls`: `https://` for every host, loopback too.
/// - `.plainHTTPUnsafe`: `http://` for every host: credentials, tokens and content cross the
///   network in clear text, so the name says so.
///
/// Redirects and upload locations obey the same rule: a plain-HTTP target is followed only where
/// the registry itself could be reached over plain HTTP (a loopback host, from a plain-HTTP
/// registry), a host allowed plain HTTP, or with `.plainHTTPUnsafe`; HTTPS is never downgraded
/// otherwise.
///
/// TLS trusts the system's roots plus the certificates in `caFile` (a PEM bundle), if given.
public struct RegistryOptions: Sendable {
    /// Which scheme a registry is reached with; see the type's documentation.
    public enum Transport: Sendable, Equatable {
        case automatic
        case tls
        case plainHTTPUnsafe
    }

    public var credentials: RegistryCredentials?
    /// The registry (`host[:port]`, as a reference names it) `credentials` are for; nil: any
    /// registry this options value reaches (a library caller that talks to one registry).
    public var credentialsRegistry: String?
    /// Registries (`host[:port]`) reached over plain HTTP although not on loopback.
    public var plainHTTPRegistries: [String] = []
    /// Docker's client configuration file; nil reads none.
    public var dockerConfigPath: String?
    /// A PEM bundle of CA certificates trusted in addition to the system's.
    public var caFile: String?
    public var transport: Transport

    public init(credentials: RegistryCredentials? = nil,
                dockerConfigPath: String? = RegistryOptions.defaultDockerConfigPath(environment: ProcessInfo.processInfo.environment),
                caFile: String? = nil, transport: Transport = .automatic) {
        self.credentials = credentials
        self.dockerConfigPath = dockerConfigPath
        self.caFile = caFile
        self.transport = transport
    }

    /// `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`, from `environment`.
    public static func defaultDockerConfigPath(environment: [String: String]) -> String? {
        DockerConfig.defaultPath(environment: environment)
    }

    /// The scheme `host` is reached with.
    func scheme(for host: RegistryHost) -> RegistryScheme {
        switch transport {
        case .tls: .https
        case .plainHTTPUnsafe: .http
        case .automatic: (host.isLoopback && caFile == nil) || isPlainHTTPAllowed(host) ? .http : .https
        }
    }

    /// Whether `host` was named as a plain-HTTP registry (or every host is allowed plain HTTP).
    private func isPlainHTTPAllowed(_ host: RegistryHost) -> Bool {
        transport == .plainHTTPUnsafe || plainHTTPRegistries.contains { RegistryHost($0) == host }
    }

    /// Whether a redirect or upload location may take a request from `origin` to `target`.
    func allows(_ target: RegistryOrigin, from origin: RegistryOrigin) -> Bool {
        switch target.scheme {
        case .https: true
        case .http: isPlainHTTPAllowed(target.host) || (origin.scheme == .http && target.host.isLoopback)
        }
    }

    /// The explicit credentials, if they are meant for `registry`.
    func explicitCredentials(for registry: String) -> RegistryCredentials? {
        guard let credentials else { return nil }
        guard let bound = credentialsRegistry else { return credentials }
        let name = (try? RegistryReference.registryName(bound)) ?? bound
        return name.isExactly(registry) ? credentials : nil
    }
}

/// `http` or `https`, the only schemes a registry is reached with.
enum RegistryScheme: String, Sendable, Hashable {
    case http, https

    var defaultPort: Int { self == .https ? 443 : 80 }
}

/// Scheme, host and port: what decides where a request goes, whether credentials may follow a
/// redirect (only to the same origin), and whether two repositories can share a blob by mount.
struct RegistryOrigin: Sendable, Hashable, CustomStringConvertible {
    let scheme: RegistryScheme
    let host: RegistryHost

    var port: Int { host.port ?? scheme.defaultPort }

    /// `https://host[:port]`, the base of every API path.
    var url: String { "\(scheme.rawValue)://\(host)" }

    var description: String { url }

    /// The origin of an absolute `http`/`https` URL, or nil.
    init?(url: String) {
        let bytes = Array(url.utf8)
        let scheme: RegistryScheme
        var rest: ArraySlice<UInt8>
        if bytes.starts(with: "https://".utf8) {
            scheme = .https
            rest = bytes[8...]
        } else if bytes.starts(with: "http://".utf8) {
            scheme = .http
            rest = bytes[7...]
        } else {
            return nil
        }
        if let end = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            rest = rest[..<end]
        }
        // userinfo in a URL is credentials the server chose; never accepted.
        guard !rest.contains(UInt8(ascii: "@")), let host = RegistryHost(String(decoding: rest, as: UTF8.self)) else { return nil }
        self.init(scheme: scheme, host: host)
    }

    init(scheme: RegistryScheme, host: RegistryHost) {
        self.scheme = scheme
        self.host = host
    }

    static func == (a: Self, b: Self) -> Bool { a.scheme == b.scheme && a.host.name.isExactly(b.host.name) && a.port == b.port }
    func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        hasher.combine(ExactString(host.name))
        hasher.combine(port)
    }
}
