import Foundation
import WireFormat

/// Credentials from Docker's client configuration file (`config.json`), as `docker login`
/// writes them: `{"auths": {"<registry>": {"auth": base64("user:pass")}}}`, or with `username`
/// and `password` members instead of `auth`. Keys name a registry as `host[:port]`, often with
/// `https://` and a path (`https://index.docker.io/v1/` is Docker Hub's). Credential helpers
/// (`credsStore`, `credHelpers`) and identity tokens are not read.
struct DockerConfig: Sendable {
    /// `auths` entries by normalised registry name (`host[:port]`, lowercased; Docker Hub's
    /// aliases as `docker.io`).
    private let entries: [String: RegistryCredentials]
    /// The file read, for messages.
    let path: String

    /// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
    static func defaultPath(environment: [String: String]) -> String? {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty { return directory + "/config.json" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.docker/config.json" }
        return nil
    }

    /// Reads `path`; a missing file holds no credentials, a malformed one is an error (a typo in
    /// the file should not silently turn into anonymous access).
    init(path: String) throws(ImageStoreError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            entries = [:]
            return
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            throw .registry("cannot read the Docker config file \(path) (unreadable, or larger than 1 MiB)")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: Array(data)) } catch {
            throw .registry("the Docker config file \(path) is not valid JSON: \(error)")
        }
        var entries: [String: RegistryCredentials] = [:]
        for (key, entry) in json["auths"]?.objectValue ?? [:] {
            guard let credentials = try Self.credentials(entry, key: key, path: path) else { continue }
            entries[Self.normalise(key)] = credentials
        }
        self.entries = entries
    }

    /// The credentials stored for `registry` (`host[:port]` as in a reference).
    func credentials(for registry: String) -> RegistryCredentials? {
        entries[Self.normalise(registry)]
    }

    /// One `auths` entry: `auth` (standard base64 of `user:pass`, as Docker writes it), else
    /// `username` and `password`. An entry with neither (only `identitytoken`) is skipped.
    private static func credentials(_ entry: JSONValue, key: String, path: String) throws(ImageStoreError) -> RegistryCredentials? {
        if let auth = entry["auth"]?.stringValue, !auth.isEmpty {
            // The value itself is a secret: messages name the entry, never echo it.
            guard let decoded = StrictBase64.decode(auth), let text = String(validating: decoded, as: UTF8.self),
                  let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                throw .registry("the Docker config file \(path): auths[\(JSONError.quoted(key))].auth is not base64 of user:password")
            }
            return RegistryCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        }
        if let username = entry["username"]?.stringValue, let password = entry["password"]?.stringValue {
            return RegistryCredentials(username: username, password: password)
        }
        return nil
    }

    /// `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/` → `host:5000`.
    private static func normalise(_ key: String) -> String {
        var bytes = Array(key.asciiLowercased.utf8)
        for scheme in ["https://", "http://"] where bytes.starts(with: scheme.utf8) { bytes.removeFirst(scheme.utf8.count) }
        if let slash = bytes.firstIndex(of: UInt8(ascii: "/")) { bytes.removeSubrange(slash...) }
        let host = String(decoding: bytes, as: UTF8.self)
        if host.isExactly("index.docker.io") || host.isExactly(RegistryReference.dockerHubAPIHost) { return RegistryReference.dockerHub }
        return host
    }
}
