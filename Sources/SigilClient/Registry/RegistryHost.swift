import WireFormat

/// A registry's `host[:port]`: a DNS name, an IPv4 address or a bracketed IPv6 address, and an
/// optional port 1–65535. Compared with its name lowercased in ASCII (DNS names are
/// case-insensitive), so `Registry.Example:5000` and `registry.example:5000` are one origin.
struct RegistryHost: Sendable, Hashable, CustomStringConvertible {
    /// The name as in a URL: `example.com`, `127.0.0.1`, `[::1]`; lowercased.
    let name: String
    let port: Int?

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        var nameEnd = bytes.count
        var port: Int?
        let colon: Int?
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            colon = close + 1 < bytes.count ? close + 1 : nil
            if let colon, bytes[colon] != UInt8(ascii: ":") { return nil }
            guard Self.isIPv6(bytes[1..<close]) else { return nil }
        } else {
            colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        }
        if let colon {
            let digits = bytes[(colon + 1)...]
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy(\.isASCIIDigit),
                  let value = Int(String(decoding: digits, as: UTF8.self)), (1...65535).contains(value) else { return nil }
            port = value
            nameEnd = colon
        }
        let name = Array(bytes[..<nameEnd])
        if name.first != UInt8(ascii: "[") {
            guard Self.isDNSName(name) else { return nil }
        }
        self.name = String(decoding: name.map(\.asciiLowercased), as: UTF8.self)
        self.port = port
    }

    /// Labels of letters, digits and inner hyphens, joined by dots (an IPv4 address is one too).
    private static func isDNSName(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") }) else { return false }
        }
        return true
    }

    private static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { $0.isASCIIHexDigit || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
            && bytes.contains(UInt8(ascii: ":"))
    }



    /// `localhost`, 127.0.0.0/8 or `[::1]`: traffic that never leaves the machine, which Docker
    /// (and Sigil, by default) reaches over plain HTTP.
    var isLoopback: Bool {
        if name.isExactly("localhost") || name.isExactly("[::1]") || name.isExactly("[0:0:0:0:0:0:0:1]") { return true }
        let octets = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0].elementsEqual("127".utf8) else { return false }
        return octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.allSatisfy(\.isASCIIDigit)
                && Int(String(decoding: octet, as: UTF8.self))! <= 255
        }
    }

    var description: String { port.map { "\(name):\($0)" } ?? name }

    static func == (a: Self, b: Self) -> Bool { a.name.isExactly(b.name) && a.port == b.port }
    func hash(into hasher: inout Hasher) {
        hasher.combine(ExactString(name))
        hasher.combine(port)
    }
}
