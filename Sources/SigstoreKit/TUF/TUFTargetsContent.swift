import WireFormat

/// What `targets.json` lists: target name → length and hashes. Delegations are not followed: the
/// files Sigstore clients need are top-level targets.
public struct TUFTargetsContent: Sendable {
    public let targets: [ExactString: TUFHashes]

    public init(_ metadata: TUFMetadata, fileName: String) throws(TUFError) {
        guard let members = metadata.signed["targets"]?.objectValue else { throw TUFError(.malformed, "\(fileName): targets is missing") }
        var targets: [ExactString: TUFHashes] = [:]
        for (name, entry) in members {
            targets[ExactString(name)] = try TUFHashes(json: entry, name: "\(fileName): target \(name)", requireLength: true)
        }
        self.targets = targets
    }
}
