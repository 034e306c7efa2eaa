import SigstoreKit
import Testing
import WireFormat

/// Byte-wise identity comparison: what `String ==` equates, these keep apart.
@Suite struct ExactStringTests {
    static let lookAlikes: [(String, String)] = [
        ("\u{212A}", "K"), ("\u{212B}", "\u{00C5}"), ("\u{2126}", "\u{03A9}"),
        ("\u{037E}", ";"), ("\u{1FEF}", "`"), ("e\u{0301}", "\u{00E9}"),
    ]

    @Test func equalityHashingAndAffixesAreOverBytes() {
        for (lookAlike, original) in Self.lookAlikes {
            let forged = "https://example.com/\(lookAlike)", real = "https://example.com/\(original)"
            #expect(forged == real, "the premise: Swift equates them")
            #expect(!forged.isExactly(real))
            #expect(ExactString(forged) != ExactString(real))
            #expect([ExactString(forged): 1, ExactString(real): 2].count == 2, "dictionary keys stay apart")
            #expect(!"\(lookAlike)ate".hasExactPrefix(original))
            #expect(!"x\(lookAlike)".hasExactSuffix(original))
            #expect(![real].containsExactly(forged))
            #expect(!forged.containsExactly(original))
        }
        #expect("abc".isExactly("abc") && "abc".hasExactPrefix("ab") && "abc".hasExactSuffix("bc") && "abc".containsExactly("b"))
        #expect(ExactString("ab") == "ab")
    }

    @Test func aByteSearchFindsWhatACharacterSearchMisses() {
        let sneaky = "victim@\u{0301}example.com"
        #expect(!sneaky.contains("@"), "the premise: `@` + U+0301 is one Character")
        #expect(sneaky.containsByte(UInt8(ascii: "@")))
    }

    @Test func certifiableTextRefusesLookAlikesControlsAndInvisibles() {
        for (lookAlike, _) in Self.lookAlikes {
            #expect(CertifiableText.problem(in: "\(lookAlike)ate", asciiOnly: false) != nil, "\(lookAlike.unicodeScalars.map(\.value))")
        }
        for text in ["a\u{0}b", "a\nb", "a\u{7F}", "a\u{85}", "a\u{202E}b", "a\u{200B}b", "\u{FEFF}a", "a\u{2066}b"] {
            #expect(CertifiableText.problem(in: text, asciiOnly: false) != nil, "\(text.unicodeScalars.map(\.value))")
        }
        #expect(CertifiableText.problem(in: "caf\u{00E9}", asciiOnly: false) == nil)
        #expect(CertifiableText.problem(in: "caf\u{00E9}", asciiOnly: true) != nil)
        #expect(CertifiableText.problem(in: "https://example.com/Kate", asciiOnly: true) == nil)
    }

    @Test func jsonMemberNamesCannotStandInForASCIINames() throws {
        // A look-alike name would otherwise be found by a lookup for the real one.
        #expect(throws: JSONError.self) { try JSONValue(parsing: Array(#"{"public\u212aey": 1}"#.utf8)) }
        #expect(throws: JSONError.self) { try JSONValue(parsing: Array("{\"public\u{212A}ey\": 1}".utf8)) }
        #expect(throws: JSONError.self) { try JSONValue(parsing: Array(#"{"a\u037eb": 1}"#.utf8)) }
        // Other non-ASCII names are kept (RFC 8785's own examples use U+FB33, which is not NFC),
        // and a lookup finds only the exact name.
        let decomposed = try JSONValue(parsing: Array(#"{"cafe\u0301": 1, "publicKey": 2, "\ufb33": 3}"#.utf8))
        #expect(decomposed["cafe\u{0301}"]?.integerValue == 1 && decomposed["publicKey"]?.integerValue == 2)
        #expect(decomposed["caf\u{00E9}"] == nil, "the precomposed spelling is another name")
        #expect(decomposed["\u{FB33}"]?.integerValue == 3)
        // Values keep their exact scalars: only names are held to NFC.
        #expect(try JSONValue(parsing: Array(#"{"k": "\u212a"}"#.utf8))["k"]?.stringValue?.isExactly("\u{212A}") == true)
    }
}
