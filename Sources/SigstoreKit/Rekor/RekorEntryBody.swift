/// A decoded Rekor v1 entry body of a supported kind and version.
public enum RekorEntryBody: Sendable, Equatable {
    case hashedRekord(HashedRekordV001)
    case dsse(DSSEV001)

    /// The entry kind, e.g. `"hashedrekord"`.
    public var kind: String {
        switch self {
        case .hashedRekord: HashedRekordV001.kind
        case .dsse: DSSEV001.kind
        }
    }

    /// The kind's version, `"0.0.1"`.
    public var apiVersion: String {
        switch self {
        case .hashedRekord: HashedRekordV001.apiVersion
        case .dsse: DSSEV001.apiVersion
        }
    }

    /// The canonicalized body bytes.
    public var canonicalBody: [UInt8] {
        switch self {
        case .hashedRekord(let entry): entry.canonicalBody
        case .dsse(let entry): entry.canonicalBody
        }
    }

    /// The index keys the body alone gives (for dsse: without in-toto subject digests).
    public var searchKeys: EntrySearchKeys {
        switch self {
        case .hashedRekord(let entry): entry.searchKeys
        case .dsse(let entry): entry.searchKeys
        }
    }
}
