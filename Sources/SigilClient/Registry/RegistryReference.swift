// OCI registries in SigilClient
//
// OCI distribution-spec v1.1 (`spec.md`): pulling and pushing manifests and blobs, chunked and
// monolithic uploads, cross-repository mounts, the referrers API and its fallback, the referrers
// tag schema. Docker's token authentication (`docs/spec/auth/token.md` of CNCF distribution) and
// its reference normalisation. Types: `RegistryReference` (`HOST[:PORT]/REPO[:TAG][@DIGEST]`),
// `RegistryOptions` (credentials, trust, transport), `RegistryClient` (HTTP: authentication,
// redirects, limits), `RegistryStore` (an `ImageStore` for one repository).

import SigstoreKit
import WireFormat

/// An image in a registry, as the CLI names it: `HOST[:PORT]/REPO[:TAG][@DIGEST]`, normalised as
/// Docker does: a first component without `.` or `:` that is not `localhost` (and has no
/// uppercase letter) is part of a Docker Hub repository, so `alpine` is
/// `docker.io/library/alpine` and `user/app:1` is `docker.io/user/app:1`.
///
/// Repository path components follow the distribution spec's grammar
/// (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, joined by `/`), tags are
/// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, and digests are `OCIDigest`s. When both a tag and a
/// digest are given (`repo:tag@sha256:…`) the digest selects the image, as in Docker; the tag is
/// kept for people. With neither, this type's selector is `.only`, which a registry refuses; the
/// command line (`ImageReference`) reads such a reference as Docker does, as the tag `latest`.
public struct RegistryReference: Sendable, Equatable, CustomStringConvertible {
    /// The registry as named (`ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`), with Docker Hub's
    /// aliases written `docker.io`.
    public let registry: String
    /// The repository inside it (`library/alpine`).
    public let repository: String
    public let tag: String?
    public let digest: OCIDigest?

    /// Docker Hub's name in references and in Docker's config file.
    public static let dockerHub = "docker.io"
    /// The host that serves Docker Hub's registry API.
    static let dockerHubAPIHost = "registry-1.docker.io"
    /// Many clients refuse longer names (`registry/repository`); the spec's own limit on the
    /// repository alone is 255.
    static let maximumNameLength = 255

    /// A reference from its parts, each validated as `init(parsing:)` validates it.
    public init(registry: String, repository: String, tag: String? = nil, digest: OCIDigest? = nil) throws(ImageStoreError) {
        let host = try Self.registryName(registry)
        var path = repository
        if host.isExactly(Self.dockerHub), !path.containsByte(UInt8(ascii: "/")) { path = "library/" + path }
        try Self.checkRepository(path)
        if let tag { try Self.checkTag(tag) }
        self.registry = host
        self.repository = path
        self.tag = tag
        self.digest = digest
        guard (host.utf8.count + 1 + path.utf8.count) <= Self.maximumNameLength else {
            throw .badReference("\(JSONError.quoted(description)): the name is longer than \(Self.maximumNameLength) characters")
        }
    }

    /// Parses `HOST[:PORT]/REPO[:TAG][@DIGEST]`. Split on UTF-8 bytes: a `Character` search misses
    /// `/`, `:` or `@` followed by a combining mark, which the grammar then rejects.
    public init(parsing text: String) throws(ImageStoreError) {
        let bytes = Array(text.utf8)
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        guard !bytes.isEmpty else { throw .badReference("an empty registry reference") }

        var end = bytes.count
        var digest: OCIDigest?
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let value = slice(at + 1..<bytes.count)
            guard let parsed = OCIDigest(value) else {
                throw .badReference("\(JSONError.quoted(text, limit: 200)): \(JSONError.quoted(value, limit: 200)) is not a digest (sha256:<64 lowercase hex> or sha512:<128 lowercase hex>)")
            }
            digest = parsed
            end = at
        }
        // A tag's `:` comes after the last `/`; an earlier one is the registry's port.
        let lastSlash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) ?? -1
        var tag: String?
        if let colon = bytes[..<end].lastIndex(of: UInt8(ascii: ":")), colon > lastSlash {
            tag = slice(colon + 1..<end)
            end = colon
        }
        let name = slice(0..<end)
        guard !name.isEmpty else { throw .badReference("\(JSONError.quoted(text, limit: 200)): no repository before the tag or digest") }

        let (registry, repository) = Self.split(name)
        do {
            try self.init(registry: registry, repository: repository, tag: tag, digest: digest)
        } catch .badReference(let reason) {
            throw .badReference("\(JSONError.quoted(text, limit: 200)) is not a registry reference (HOST[:PORT]/REPO[:TAG][@DIGEST]): \(reason)")
        }
    }

    /// Docker's rule for where the registry ends: the first component is a registry when it has
    /// `.` or `:`, is `localhost`, or has an uppercase letter (repositories cannot).
    private static func split(_ name: String) -> (registry: String, repository: String) {
        let bytes = Array(name.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return (dockerHub, name) }
        let first = bytes[..<slash]
        let isRegistry = first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":"))
            || first.elementsEqual("localhost".utf8) || first.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        guard isRegistry else { return (dockerHub, name) }
        return (String(decoding: first, as: UTF8.self), String(decoding: bytes[(slash + 1)...], as: UTF8.self))
    }

    /// `host[:port]` checked, Docker Hub's aliases folded to `docker.io`.
    static func registryName(_ text: String) throws(ImageStoreError) -> String {
        guard RegistryHost(text) != nil else {
            throw .badReference("\(JSONError.quoted(text, limit: 200)) is not a registry host (name or IP address, optional :port)")
        }
        let lowered = text.asciiLowercased
        if lowered.isExactly("index.docker.io") || lowered.isExactly(dockerHubAPIHost) || lowered.isExactly(dockerHub) { return dockerHub }
        return text
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` components joined by `/` (distribution-spec §Pulling manifests).
    static func checkRepository(_ repository: String) throws(ImageStoreError) {
        guard !repository.isEmpty else { throw .badReference("the repository is empty") }
        for component in repository.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard isPathComponent(Array(component)) else {
                throw .badReference("repository \(JSONError.quoted(repository, limit: 200)) has a path component that is not lowercase letters and digits separated by '.', '_', '__' or dashes")
            }
        }
    }

    private static func isPathComponent(_ bytes: [UInt8]) -> Bool {
        var k = 0
        while true {
            // One run of [a-z0-9]+ ...
            let runStart = k
            while k < bytes.count, bytes[k].isASCIILowercase || bytes[k].isASCIIDigit { k += 1 }
            guard k > runStart else { return false }
            if k == bytes.count { return true }
            // ... then one separator: `.`, `_`, `__` or `-+`.
            let separatorStart = k
            switch bytes[k] {
            case UInt8(ascii: "."): k += 1
            case UInt8(ascii: "_"): k += (k + 1 < bytes.count && bytes[k + 1] == UInt8(ascii: "_")) ? 2 : 1
            case UInt8(ascii: "-"): while k < bytes.count, bytes[k] == UInt8(ascii: "-") { k += 1 }
            default: return false
            }
            guard k > separatorStart, k < bytes.count else { return false }
        }
    }

    /// `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
    static func checkTag(_ tag: String) throws(ImageStoreError) {
        func isWord(_ byte: UInt8) -> Bool { byte.isASCIIAlphanumeric || byte == UInt8(ascii: "_") }
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, isWord(first), bytes.count <= 128,
              bytes.dropFirst().allSatisfy({ isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw .badReference("tag \(JSONError.quoted(tag, limit: 200)) is not 1–128 letters, digits, '_', '.' or '-' (not starting with '.' or '-')")
        }
    }

    /// What a store resolves: the digest when given, else the tag, else `.only` (refused by a registry).
    public var selector: OCIReference.Selector {
        if let digest { return .digest(digest) }
        if let tag { return .tag(tag) }
        return .only
    }

    /// `registry/repository`, how messages name the repository.
    public var location: String { "\(registry)/\(repository)" }

    /// The host and port that serve the registry API (`registry-1.docker.io` for Docker Hub).
    var apiHost: RegistryHost {
        RegistryHost(registry.isExactly(Self.dockerHub) ? Self.dockerHubAPIHost : registry)!
    }

    public var description: String {
        var text = location
        if let tag { text += ":" + tag }
        if let digest { text += "@\(digest)" }
        return text
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.registry.isExactly(b.registry) && a.repository.isExactly(b.repository)
            && (a.tag ?? "").isExactly(b.tag ?? "") && (a.tag == nil) == (b.tag == nil) && a.digest == b.digest
    }
}
