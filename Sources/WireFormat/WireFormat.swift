// WireFormat — the encodings every Sigil target reads and writes, each written once.
//
// JSON: ``JSONValue(parsing:)`` is a strict RFC 8259 parser (duplicate and look-alike member names,
// lone surrogates, invalid UTF-8 and deep nesting are errors, not guesses); ``CanonicalJSON`` writes
// RFC 8785 canonical JSON; ``JSONObjectReader`` reads one object field by field with path-named
// errors. Encodings: ``StrictBase64`` (RFC 4648 §4, one spelling per byte string), ``LenientBase64``
// (the proto3 JSON mapping's wider `bytes` syntax, chosen by name where a spec requires it),
// ``Base64URL`` (RFC 4648 §5 unpadded, as JWS uses), ``LowercaseHex``, ``RFC3339`` timestamps.
// Text: ``ExactString`` and `isExactly` compare identities as bytes, ``UntrustedText`` makes outside
// text safe to print, ``CertifiableText`` says what a CA may copy into a certificate.
//
// Why a target of its own: the servers' plumbing (ServerSupport) and the OIDC provider need JSON
// and base64 but none of SigstoreKit's X.509 and verification code, and Merkle needs base64
// without depending on SigstoreKit (which depends on Merkle). Foundation is the only dependency.
