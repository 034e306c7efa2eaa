import SigstoreKit
import WireFormat

/// JSON for files people read and edit (the server settings and the CA's issuer list `init`
/// writes): indented, members sorted as RFC 8785 sorts them, every scalar written by
/// `CanonicalJSON`, so strings are escaped by the one encoder the project has. Files that are
/// signed or hashed (the trust files) stay canonical.
enum ReadableJSON {
    static func encode(_ value: JSONValue) -> [UInt8] {
        var out = ""
        write(value, indent: "", into: &out)
        return Array((out + "\n").utf8)
    }

    private static func write(_ value: JSONValue, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch value {
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (k, name) in members.keys.sorted(by: CanonicalJSON.precedes).enumerated() {
                out += inner + scalar(.string(name)) + ": "
                write(members[name]!, indent: inner, into: &out)
                out += k == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        case .array(let elements) where !elements.isEmpty:
            out += "[\n"
            for (k, element) in elements.enumerated() {
                out += inner
                write(element, indent: inner, into: &out)
                out += k == elements.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        default:
            out += scalar(value)
        }
    }

    /// A scalar, an empty object or an empty array, exactly as `CanonicalJSON` writes it.
    private static func scalar(_ value: JSONValue) -> String {
        String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
    }
}
