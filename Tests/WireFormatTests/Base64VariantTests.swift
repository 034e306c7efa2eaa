import Testing
import WireFormat

/// The named variants over the one base64 implementation; `StrictEncodingTests` covers the strict one.
@Suite("lenient (proto3 JSON) base64 and base64url")
struct Base64VariantTests {
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 §10 vectors, padded and unpadded, decode leniently", arguments: rfc4648)
    func lenientReadsRFC4648(plain: String, encoded: String) {
        #expect(LenientBase64.decode(encoded) == Array(plain.utf8))
        #expect(LenientBase64.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
    }

    @Test("RFC 4648 §10 vectors in base64url, unpadded", arguments: rfc4648)
    func base64URLRoundTrips(plain: String, encoded: String) {
        let unpadded = encoded.filter { $0 != "=" }
        #expect(Base64URL.encode(Array(plain.utf8)) == unpadded)
        #expect(Base64URL.decode(unpadded) == Array(plain.utf8))
        #expect(Base64URL.decode(utf8: Array(unpadded.utf8)) == Array(plain.utf8))
    }

    @Test("lenient accepts both alphabets, line breaks and non-canonical unused bits, as protojson does")
    func lenientAccepts() {
        #expect(LenientBase64.decode("AAEC\nAw==") == [0, 1, 2, 3])
        #expect(LenientBase64.decode("AAEC\r\nAw") == [0, 1, 2, 3])
        #expect(LenientBase64.decode("-_8=") == [0xFB, 0xFF])
        #expect(LenientBase64.decode("+/8") == [0xFB, 0xFF])
        #expect(LenientBase64.decode("-/+_") == [0xFB, 0xFF, 0xBF])
        #expect(LenientBase64.decode("Zh==") == Array("f".utf8))       // unused bits set
        #expect(LenientBase64.decode("Zm9=") == Array("fo".utf8))
    }

    @Test("lenient still rejects what is not base64", arguments: [
        "INVALID!!!", "Z", "Zg=", "Zg===", "Z g==", " Zg==", "Zg==\t", "=Zg=", "Zg==Zg==", "Zm9vY", "Zm9vYg=a",
    ])
    func lenientRejects(text: String) {
        #expect(LenientBase64.decode(text) == nil)
    }

    @Test("base64url rejects padding, the standard alphabet, whitespace and non-canonical bits", arguments: [
        "Zg==", "Zm8=", "+/8", "Zh", "Zm9", "Z", "Zm 9v", "Zm9v\n", "Zm9vYmFy=",
    ])
    func base64URLRejects(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("base64url uses - and _ and agrees with strict base64 on every length")
    func base64URLAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        let bytes = (0...255).map(UInt8.init)
        for n in 0...bytes.count {
            let prefix = Array(bytes.prefix(n))
            let standard = StrictBase64.encode(prefix)
            #expect(Base64URL.encode(prefix) == String(standard.filter { $0 != "=" }.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
            #expect(Base64URL.decode(Base64URL.encode(prefix)) == prefix)
            #expect(LenientBase64.decode(standard) == prefix)
        }
    }
}
