import WireFormat

/// The short predicate-type names `cosign attest --type` accepts, and the URIs they stand for;
/// any other value must itself be an absolute URI (`scheme://…`).
public enum PredicateTypes {
    public static let shortNames: [(name: String, uri: String)] = [
        ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
        ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
        ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
        ("spdx", "https://spdx.dev/Document"),
        ("spdxjson", "https://spdx.dev/Document"),
        ("cyclonedx", "https://cyclonedx.org/bom"),
        ("link", "https://in-toto.io/Link/v1"),
        ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
        ("openvex", "https://openvex.dev/ns"),
        ("custom", "https://cosign.sigstore.dev/attestation/v1"),
    ]

    /// The short names, comma-separated, for help and messages. A closure, not the key path
    /// `\.name`: a tuple element's key path is built at run time, the first time noticeably slowly,
    /// and `sigil`'s command tree reads this on every start.
    public static var shortNameList: String { shortNames.map { $0.name }.joined(separator: ", ") }

    /// The URI for a short name or an absolute URI.
    public static func resolve(_ value: String) throws(PredicateTypeError) -> String {
        if let known = shortNames.first(where: { $0.name.isExactly(value) }) { return known.uri }
        guard let scheme = value.range(of: "://"), value.startIndex < scheme.lowerBound, scheme.upperBound < value.endIndex,
              value[..<scheme.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
              !value.contains(where: \.isWhitespace)
        else {
            throw PredicateTypeError(value: value)
        }
        return value
    }
}

public struct PredicateTypeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "unknown predicate type \"\(value)\": use an absolute URI or one of \(PredicateTypes.shortNameList)"
    }
}
