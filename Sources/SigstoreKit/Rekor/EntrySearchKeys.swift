/// What a log entry can be found by (Rekor v1 `POST /api/v1/index/retrieve`). All values are
/// lowercase; each list is free of duplicates and in first-seen order.
public struct EntrySearchKeys: Sendable, Equatable {
    /// `"<algorithm>:<hex>"`: the hashedrekord data hash (`sha256:…`, or `sha384:`/`sha512:`
    /// when the entry uses those); for dsse the `sha256:` payload hash and, for
    /// `application/vnd.in-toto+json` payloads, every subject's SHA-256 digest.
    public var artifactHashes: [String]
    /// Every subject alternative name of each signing certificate (emails, URIs, DNS names, IP
    /// addresses, Fulcio username other-names), lowercased.
    public var identities: [String]
    /// Hex SHA-256 of the DER SubjectPublicKeyInfo of each signing key (the certificate's key or
    /// the bare key).
    public var publicKeyFingerprints: [String]

    public init(artifactHashes: [String] = [], identities: [String] = [], publicKeyFingerprints: [String] = []) {
        self.artifactHashes = artifactHashes
        self.identities = identities
        self.publicKeyFingerprints = publicKeyFingerprints
    }

    /// Adds `other`'s keys that are not present yet.
    mutating func merge(_ other: EntrySearchKeys) {
        Self.append(other.artifactHashes, to: &artifactHashes)
        Self.append(other.identities, to: &identities)
        Self.append(other.publicKeyFingerprints, to: &publicKeyFingerprints)
    }

    static func append(_ values: [String], to list: inout [String]) {
        for value in values where !list.contains(value) { list.append(value) }
    }
}
