import WireFormat

/// What timestamp and snapshot metadata record about a metadata file they list: its version and,
/// optionally, its length and hashes.
public struct TUFFileMeta: Sendable, Equatable {
    public let version: Int
    public let hashes: TUFHashes

    public init(version: Int, hashes: TUFHashes = TUFHashes(length: nil, digests: [])) {
        self.version = version
        self.hashes = hashes
    }

    /// Reads the `meta` object of timestamp or snapshot metadata: file name → version and hashes.
    static func listing(of metadata: TUFMetadata, fileName: String) throws(TUFError) -> [ExactString: TUFFileMeta] {
        guard let members = metadata.signed["meta"]?.objectValue else { throw TUFError(.malformed, "\(fileName): meta is missing") }
        var listing: [ExactString: TUFFileMeta] = [:]
        for (name, entry) in members {
            guard let version = entry["version"]?.integerValue, version >= 1, version <= Int64(Int32.max) else {
                throw TUFError(.malformed, "\(fileName): meta.\(name).version must be a positive integer")
            }
            listing[ExactString(name)] = TUFFileMeta(version: Int(version),
                                                     hashes: try TUFHashes(json: entry, name: "\(fileName): meta.\(name)", requireLength: false))
        }
        return listing
    }

    /// The entry as JSON.
    public var json: JSONValue {
        var members = hashes.jsonMembers
        members["version"] = .integer(Int64(version))
        return .object(members)
    }
}
