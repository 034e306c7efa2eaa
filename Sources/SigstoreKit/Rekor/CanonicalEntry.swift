/// The outcome of validating a proposed Rekor v1 entry: the canonicalized body the log stores
/// and hashes byte for byte (RFC 6962 leaf = SHA-256(0x00 ‖ body)), and what to index it by.
public struct CanonicalEntry: Sendable, Equatable {
    /// `"hashedrekord"` or `"dsse"`.
    public let kind: String
    /// `"0.0.1"`.
    public let apiVersion: String
    /// The canonicalized body: RFC 8785 JSON, returned base64-encoded as `body` in log entries.
    public let body: [UInt8]
    /// Index keys. For dsse these include the in-toto subject digests, which the stored body alone
    /// cannot give back (it keeps only the payload's hash).
    public let searchKeys: EntrySearchKeys
    /// The body decoded: key material, digests and signatures, e.g. for a policy that requires
    /// the certificate to chain to the log's CA.
    public let content: RekorEntryBody
}
