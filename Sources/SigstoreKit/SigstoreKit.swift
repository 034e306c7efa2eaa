// SigstoreKit — Sigstore's wire formats and offline verification, with no servers, database or
// networking: keys and PEM, signed notes and checkpoints (c2sp.org), Rekor v1 entry kinds
// (``RekorEntry``), bundles (``SigstoreBundle``), trusted roots and signing configs
// (``TrustedRoot``, ``SigningConfig``), SCTs (RFC 6962), RFC 3161 timestamps, and the verifier
// (``BundleVerifier`` with ``VerificationPolicy``).
//
// How this layer reads JSON, and why: every format whose content is verified, logged or
// canonicalised is parsed by WireFormat's strict ``JSONValue(parsing:)`` and read field by field
// through its one ``JSONObjectReader`` (as `JSONFields` for Rekor entries, `ProtoJSONObject` for
// protobuf-JSON documents), never by `Codable`: `JSONDecoder` silently keeps one of two duplicate
// members, ignores unknown ones and names no field in its errors, and in these formats a second
// reading of the same bytes is a second chance to be wrong. `Codable` appears only on the
// ``RekorAPI`` envelopes of Rekor v1 REST answers, which clients read after the strict parser has
// accepted the text and whose every value is checked afterwards (``LogEntryVerification``).
// Base64 is ``StrictBase64`` except where the proto3 JSON mapping requires ``LenientBase64``.
