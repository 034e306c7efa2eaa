import SigstoreKit
import WireFormat

/// How long a response may be reused, from its `Cache-Control` and `Age` fields (RFC 9111 §4.2.1,
/// §5.1, §5.2.2), reduced to what a private cache of JWKS documents needs:
/// - `no-store` or `no-cache` (with or without field names): 0, never reuse;
/// - `max-age=N` (token or quoted form, §5.2): N minus `Age`, at least 0;
/// - `max-age` malformed or given twice with different values: 0 (§4.2.1: "consider it stale");
/// - nothing of the above: nil, the caller's default. `s-maxage` is for shared caches and
///   `Expires` is not read.
/// Directive names are compared case-insensitively in ASCII only; a delta-seconds too big to
/// represent counts as 2^31 (§1.2.2).
enum HTTPFreshness {
    static func lifetime(cacheControl: [String], age: [String] = []) -> Double? {
        let directives = cacheControl.flatMap(parseDirectives)
        if directives.contains(where: { $0.name.isExactly("no-store") || $0.name.isExactly("no-cache") }) { return 0 }
        let maxAges = directives.filter { $0.name.isExactly("max-age") }.map { $0.argument.flatMap(deltaSeconds) }
        guard let first = maxAges.first else { return nil }
        guard let seconds = first, maxAges.allSatisfy({ $0 == seconds }) else { return 0 }
        let elapsed = age.first.flatMap(deltaSeconds) ?? 0
        return Double(max(seconds - elapsed, 0))
    }

    /// One `name[=argument]` of a Cache-Control list; `name` lowercased, quotes removed.
    struct Directive: Equatable {
        let name: String
        let argument: String?
    }

    /// Splits a field value on commas outside quoted strings (§5.2: `#cache-directive`, RFC 9110
    /// §5.6.1 lists, §5.6.4 quoted-string with `\` escapes). Empty list elements are skipped.
    static func parseDirectives(_ value: String) -> [Directive] {
        var directives: [Directive] = []
        var name: [UInt8] = [], argument: [UInt8]? = nil
        var inQuotes = false, escaped = false
        func finish() {
            let trimmedName = trim(name)
            if !trimmedName.isEmpty {
                directives.append(Directive(name: String(decoding: trimmedName.map(\.asciiLowercased), as: UTF8.self),
                                            argument: argument.map { String(decoding: trim($0), as: UTF8.self) }))
            }
            name = []; argument = nil
        }
        for byte in value.utf8 {
            if inQuotes {
                if escaped { escaped = false; argument?.append(byte) }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inQuotes = false }
                else { argument?.append(byte) }
            } else if byte == UInt8(ascii: ",") {
                finish()
            } else if argument != nil {
                if byte == UInt8(ascii: "\"") { inQuotes = true } else { argument?.append(byte) }
            } else if byte == UInt8(ascii: "=") {
                argument = []
            } else {
                name.append(byte)
            }
        }
        finish()
        return directives
    }

    /// `delta-seconds = 1*DIGIT` (§1.2.2); nil for anything else, including signs and spaces inside.
    static func deltaSeconds(_ text: String) -> Int? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let cap = 1 << 31
        var value = 0
        for digit in digits {
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
            if value >= cap { return cap }
        }
        return value
    }

    private static func trim(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return bytes[start...end]
    }

}
