/// The part of an in-toto Statement (in-toto/attestation spec, `_type`
/// `https://in-toto.io/Statement/v1` or `/v0.1`) the log indexes: its subjects' SHA-256 digests.
enum InTotoStatement {
    /// The DSSE payload type of in-toto statements.
    static let payloadType = "application/vnd.in-toto+json"

    /// `sha256:<hex>` for every subject with a well-formed `digest.sha256`, lowercased. Payloads
    /// that are not statements give none: indexing is best-effort, validity is DSSE's business.
    static func sha256SubjectDigests(payload: [UInt8]) -> [String] {
        guard let statement = try? JSONValue(parsing: payload), let subjects = statement["subject"]?.arrayValue else { return [] }
        var digests: [String] = []
        for subject in subjects {
            guard let hex = subject["digest"]?["sha256"]?.stringValue?.lowercased(),
                  let bytes = LowercaseHex.decode(hex), bytes.count == 32
            else { continue }
            EntrySearchKeys.append(["sha256:\(hex)"], to: &digests)
        }
        return digests
    }
}
