import Foundation

/// A strict RFC 8259 recursive-descent parser over UTF-8 bytes. Use it through
/// `JSONValue(parsing:limits:)`.
struct JSONParser {
    private let bytes: [UInt8]
    private let limits: JSONLimits
    private var index = 0

    private init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Parses exactly one JSON text (RFC 8259 §2: `ws value ws`).
    static func parse(_ bytes: [UInt8], limits: JSONLimits) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, limits: limits)
        parser.skipWhitespace()
        guard parser.index < bytes.count else { throw JSONError(.emptyInput, at: parser.index) }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw JSONError(.trailingData, at: parser.index) }
        return value
    }

    // MARK: - Values (RFC 8259 §3)

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        guard let byte = peek() else { throw JSONError(.unexpectedEnd, at: index) }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw JSONError(.unexpectedByte(byte), at: index)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard let actual = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            guard actual == byte else { throw JSONError(.unexpectedByte(actual), at: index) }
            index += 1
        }
    }

    // MARK: - Objects and arrays (RFC 8259 §4, §5)

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= limits.maxDepth else { throw JSONError(.tooDeep(limit: limits.maxDepth), at: index) }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            guard byte == UInt8(ascii: "\"") else { throw JSONError(.unexpectedByte(byte), at: index) }
            let keyOffset = index
            let key = try parseString()
            // Members live in a `[String: JSONValue]`, whose lookups use canonical equivalence, and
            // every name a schema here looks up is ASCII: a non-ASCII name equivalent to an ASCII
            // one (`public\u{212A}ey` for `publicKey`) could only be a look-alike standing in for it.
            if !key.utf8.allSatisfy({ $0 < 0x80 }), key.precomposedStringWithCanonicalMapping.utf8.allSatisfy({ $0 < 0x80 }) {
                throw JSONError(.lookAlikeMemberName(key), at: keyOffset)
            }
            guard members[key] == nil else { throw JSONError(.duplicateKey(key), at: keyOffset) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            guard let next = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            index += 1
            switch next {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(members)
            default: throw JSONError(.unexpectedByte(next), at: index - 1)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= limits.maxDepth else { throw JSONError(.tooDeep(limit: limits.maxDepth), at: index) }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard let next = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            index += 1
            switch next {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(elements)
            default: throw JSONError(.unexpectedByte(next), at: index - 1)
            }
        }
    }

    // MARK: - Numbers (RFC 8259 §6)

    /// `number = [ minus ] int [ frac ] [ exp ]`, `int = zero / ( digit1-9 *DIGIT )`.
    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek() else { throw JSONError(.unexpectedEnd, at: index) }
        switch first {
        case UInt8(ascii: "0"):
            index += 1
            if let next = peek(), isDigit(next) {
                throw JSONError(.invalidNumber("leading zero"), at: start)
            }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            skipDigits()
        default:
            throw JSONError(.invalidNumber("expected a digit after '-'"), at: index)
        }
        var isInteger = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let d = peek(), isDigit(d) else { throw JSONError(.invalidNumber("expected a digit after '.'"), at: index) }
            skipDigits()
            isInteger = false
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), isDigit(d) else { throw JSONError(.invalidNumber("expected a digit in the exponent"), at: index) }
            skipDigits()
            isInteger = false
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) {
            return .integer(integer)
        }
        guard let double = Double(text), double.isFinite else { throw JSONError(.numberOutOfRange, at: start) }
        return .number(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    // MARK: - Strings (RFC 8259 §7, §8.1)

    /// Reads a string starting at its opening quote; returns its value.
    private mutating func parseString() throws(JSONError) -> String {
        index += 1  // "
        // Nearly every string here is printable ASCII without escapes (base64, hex, names, URLs):
        // such a run up to the closing quote becomes the string in one copy.
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { break }
            index += 1
        }
        // Anything else from here on, byte by byte, with the run so far kept.
        var utf8 = Array(bytes[start..<index])
        while true {
            guard let byte = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)  // validated byte by byte below
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw JSONError(.controlCharacterInString(byte), at: index)
            case 0x20..<0x80:
                utf8.append(byte)
                index += 1
            default:
                let length = try validUTF8SequenceLength(at: index)
                utf8.append(contentsOf: bytes[index..<index + length])
                index += length
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONError) {
        let escapeStart = index
        index += 1  // backslash
        guard let byte = peek() else { throw JSONError(.unexpectedEnd, at: index) }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHexQuad()
            let scalarValue: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                guard peek() == UInt8(ascii: "\\"), peek(offset: 1) == UInt8(ascii: "u") else {
                    throw JSONError(.loneSurrogate, at: escapeStart)
                }
                index += 2
                let low = try readHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(.loneSurrogate, at: escapeStart) }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw JSONError(.loneSurrogate, at: escapeStart)
            default:
                scalarValue = UInt32(unit)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw JSONError(.loneSurrogate, at: escapeStart) }
            utf8.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw JSONError(.invalidEscape, at: escapeStart)
        }
    }

    private mutating func readHexQuad() throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw JSONError(.unexpectedEnd, at: index) }
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: throw JSONError(.invalidEscape, at: index)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence (RFC 3629 §4) of a non-ASCII scalar starting at
    /// `start`. Rejects overlong forms, surrogates and values above U+10FFFF.
    private func validUTF8SequenceLength(at start: Int) throws(JSONError) -> Int {
        let lead = bytes[start]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw JSONError(.invalidUTF8, at: start)
        }
        for k in 1..<length {
            guard start + k < bytes.count else { throw JSONError(.invalidUTF8, at: start) }
            let range = k == 1 ? secondRange : 0x80...0xBF
            guard range.contains(bytes[start + k]) else { throw JSONError(.invalidUTF8, at: start) }
        }
        return length
    }

    // MARK: - Bytes

    private func peek(offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard let actual = peek() else { throw JSONError(.unexpectedEnd, at: index) }
        guard actual == byte else { throw JSONError(.unexpectedByte(actual), at: index) }
        index += 1
    }

    /// RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`.
    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }
}
