import WireFormat

extension BundleLogEntry {
    /// The entry as protobuf JSON (`TransparencyLogEntry`, int64 fields as decimal strings), as a
    /// bundle holds it and as a Rekor v2 log answers `CreateEntry`.
    public var protoJSON: JSONValue { json }

    /// Reads a `TransparencyLogEntry` in protobuf JSON as strictly as a bundle's (unknown fields
    /// refused), e.g. a Rekor v2 log's answer.
    public init(protoJSON bytes: some Collection<UInt8>) throws {
        try self.init(try ProtoJSONObject.document(bytes))
    }
}
