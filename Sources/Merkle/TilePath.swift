// Strict parsing of c2sp.org/tlog-tiles request paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`.
// Only the canonical spelling of each value is accepted, so every resource has exactly one path.

extension Tiles {
    /// A tile path resource: a hash tile or an entry bundle.
    public enum Resource: Hashable, Sendable {
        case hashTile(Coordinate)
        case entryBundle(EntryBundle)

        /// Parses a path of the form `tile/L/N[.p/W]` or `tile/entries/N[.p/W]` (no leading `/`, no query),
        /// strictly: only what ``path`` produces is accepted.
        public init?(path: some StringProtocol) {
            guard let parsed = TilePath(path) else { return nil }
            if parsed.isEntries {
                guard let bundle = EntryBundle(index: parsed.index, width: parsed.width) else { return nil }
                self = .entryBundle(bundle)
            } else {
                guard let tile = Coordinate(level: parsed.level, index: parsed.index, width: parsed.width) else { return nil }
                self = .hashTile(tile)
            }
        }

        /// The resource's path, without a leading `/`.
        public var path: String {
            switch self {
            case .hashTile(let tile): tile.path
            case .entryBundle(let bundle): bundle.path
            }
        }
    }

    /// The value of 1 to 3 ASCII digits, or `nil`.
    static func parseDigits(_ digits: Substring) -> Int64? {
        guard !digits.isEmpty, digits.utf8.count <= 3 else { return nil }
        var value: Int64 = 0
        for byte in digits.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// A decimal without sign or leading zeros (tlog-tiles `<L>` and `<W>`), at most `maximum`.
    static func parseCanonicalDecimal(_ text: Substring, maximum: Int) -> Int? {
        guard let value = parseDigits(text), value <= maximum, String(value) == text else { return nil }
        return Int(value)
    }

    /// The generic shape `tile/(L|entries)/N[.p/W]`; the ranges are checked by the typed initializers.
    struct TilePath {
        var isEntries: Bool
        var level: Int
        var index: Int64
        var width: Int

        init?(_ path: some StringProtocol) {
            let path = Substring(path)
            guard path.hasPrefix("tile/") else { return nil }
            let afterTile = path.dropFirst("tile/".count)
            guard let slash = afterTile.firstIndex(of: "/") else { return nil }
            let levelText = afterTile[..<slash]
            var indexText = afterTile[afterTile.index(after: slash)...]
            if levelText == "entries" {
                isEntries = true
                level = 0
            } else {
                guard let level = parseCanonicalDecimal(levelText, maximum: maxLevel) else { return nil }
                isEntries = false
                self.level = level
            }
            width = Tiles.width
            if let suffix = indexText.firstRange(of: ".p/") {
                guard let partial = parseCanonicalDecimal(indexText[suffix.upperBound...], maximum: Tiles.width - 1),
                      partial > 0
                else { return nil }
                width = partial
                indexText = indexText[..<suffix.lowerBound]
            }
            guard let index = parseIndex(indexText) else { return nil }
            self.index = index
        }
    }
}
