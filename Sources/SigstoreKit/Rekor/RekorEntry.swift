// Rekor v1 entries in SigstoreKit
//
// Specs: sigstore/rekor openapi.yaml (ProposedEntry), pkg/types/hashedrekord/v0.0.1 and
// pkg/types/dsse/v0.0.1 (entry kinds), the DSSE envelope/PAE spec (secure-systems-lab/dsse), and
// RFC 8785 canonical JSON for the stored body (see ../JSON). Main types:
// - `RekorEntry`: validate + canonicalize a `POST /api/v1/log/entries` body, read a stored body.
// - `HashedRekordV001`, `DSSEV001`: the two kinds; `DSSEEnvelope` for envelopes and PAE.
// - `PublicKeyMaterial`: the base64-of-PEM key or certificate chain entries carry.
// - `CanonicalEntry`, `EntrySearchKeys`, `EntryError`, `SignedEntryTimestamp`.
// Nothing here performs I/O.

import WireFormat

/// Rekor v1 entry validation: turns a proposed entry into the canonicalized body the log stores,
/// and reads stored bodies back.
public enum RekorEntry {
    /// Validates a `POST /api/v1/log/entries` body and canonicalizes it.
    ///
    /// Checks, in order: strict JSON; `kind` and `apiVersion` (`hashedrekord` and `dsse`, both
    /// `0.0.1`); no unknown fields anywhere; strict base64 and lowercase hex; PEM key material
    /// (nothing outside the PEM blocks); every signature (hashedrekord: over the digest; dsse:
    /// over the PAE of the envelope). Keys and certificates are stored re-encoded as canonical
    /// PEM, as Rekor does, so each has one stored form (and the log's duplicate check sees it).
    public static func canonicalize(proposedEntry json: some Collection<UInt8>) throws(EntryError) -> CanonicalEntry {
        let (kind, spec) = try readHeader(json, what: "the entry")
        switch kind {
        case HashedRekordV001.kind:
            let entry = try HashedRekordV001(spec: spec).withCanonicalKey
            try entry.verifySignature()
            return CanonicalEntry(kind: HashedRekordV001.kind, apiVersion: HashedRekordV001.apiVersion,
                                  body: entry.canonicalBody, searchKeys: entry.searchKeys, content: .hashedRekord(entry))
        default:
            let (entry, envelope) = try DSSEV001.verifyingProposal(spec: spec)
            var keys = entry.searchKeys
            if envelope.payloadType.isExactly(InTotoStatement.payloadType) {
                EntrySearchKeys.append(InTotoStatement.sha256SubjectDigests(payload: envelope.payload), to: &keys.artifactHashes)
            }
            return CanonicalEntry(kind: DSSEV001.kind, apiVersion: DSSEV001.apiVersion,
                                  body: entry.canonicalBody, searchKeys: keys, content: .dsse(entry))
        }
    }

    /// Reads a stored canonical body back, e.g. to rebuild search keys or for a client to check the
    /// body in a bundle. The bytes must be exactly the RFC 8785 form of a valid body; signatures are
    /// not re-verified (call `HashedRekordV001.verifySignature()` for that).
    public static func parseCanonicalBody(_ body: some Collection<UInt8>) throws(EntryError) -> RekorEntryBody {
        let bytes = Array(body)
        let (kind, spec) = try readHeader(bytes, what: "the body")
        let parsed: RekorEntryBody = switch kind {
        case HashedRekordV001.kind: .hashedRekord(try HashedRekordV001(spec: spec))
        default: .dsse(try DSSEV001(storedSpec: spec))
        }
        guard parsed.canonicalBody == bytes else {
            throw .malformed("the body is not in canonical form (RFC 8785)")
        }
        return parsed
    }

    /// The kinds and versions accepted.
    public static let supportedVersions: [String: [String]] = [
        HashedRekordV001.kind: [HashedRekordV001.apiVersion],
        DSSEV001.kind: [DSSEV001.apiVersion],
    ]

    /// Parses the JSON, checks `kind`/`apiVersion` and the top-level fields; returns the kind and
    /// the `spec` object.
    private static func readHeader(_ json: some Collection<UInt8>, what: String) throws(EntryError) -> (kind: String, spec: JSONFields) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw .malformed("\(what) is not valid JSON: \(error)")
        }
        let top = try JSONFields(value, path: "")
        let kind = try top.string("kind")
        guard let versions = supportedVersions[kind] else {
            throw EntryError(.unsupportedType, "unsupported kind \(JSONError.quoted(kind))")
        }
        let apiVersion = try top.string("apiVersion")
        guard versions.contains(apiVersion) else {
            throw EntryError(.unsupportedType, "unsupported apiVersion \(JSONError.quoted(apiVersion)) for \(kind)")
        }
        try top.rejectUnknown(["apiVersion", "kind", "spec"])
        return (kind, try top.object("spec"))
    }
}
