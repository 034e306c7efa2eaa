import Foundation

/// The fields of an `application/x-www-form-urlencoded` body (WHATWG URL §5.1): `&`-separated
/// `name=value` pairs, `+` for space, percent escapes. A repeated name or a bad escape is an error
/// rather than "last one wins", so a request can't smuggle a second value past a check.
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(body: [UInt8]) throws(OIDCIssuerError) {
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .invalidField(name: "body", reason: "not UTF-8")
        }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count == 2 ? try Self.decode(parts[1]) : ""
            guard values[name] == nil else { throw .invalidField(name: name, reason: "given more than once") }
            values[name] = value
        }
    }

    private static func decode(_ raw: Substring) throws(OIDCIssuerError) -> String {
        guard let decoded = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
            throw .invalidField(name: String(raw.prefix(40)), reason: "bad percent-encoding")
        }
        return decoded
    }

    /// The value of `name`, or nil when it is absent or empty (forms send empty inputs as `name=`).
    subscript(name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    /// The value of `name`, which must be present and non-empty.
    func required(_ name: String) throws(OIDCIssuerError) -> String {
        guard let value = self[name] else { throw .missingField(name) }
        return value
    }
}
