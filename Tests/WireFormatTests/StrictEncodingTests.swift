import Foundation
import Testing
import WireFormat

@Suite("strict base64 and lowercase hex")
struct StrictEncodingTests {
    @Test("RFC 4648 §10 vectors round trip", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648(plain: String, encoded: String) {
        #expect(StrictBase64.encode(Array(plain.utf8)) == encoded)
        #expect(StrictBase64.decode(encoded) == Array(plain.utf8))
    }

    @Test("all byte values round trip")
    func allBytes() {
        let bytes = (0...255).map(UInt8.init)
        for n in 0...bytes.count {
            #expect(StrictBase64.decode(StrictBase64.encode(bytes.prefix(n))) == Array(bytes.prefix(n)))
        }
        #expect(StrictBase64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
    }

    @Test("encoding agrees with Foundation's for every length up to 300")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for n in 0...300 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(StrictBase64.encode(bytes) == Data(bytes).base64EncodedString(), "\(n) bytes")
        }
    }

    @Test("decoding reads Foundation's encoding back for every length up to 300, from strings and substrings")
    func decodesFoundationsEncoding() {
        var generator = SystemRandomNumberGenerator()
        for n in 0...300 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Data(bytes).base64EncodedString()
            #expect(StrictBase64.decode(text) == bytes, "\(n) bytes")
            #expect(StrictBase64.decode(("[" + text + "]").dropFirst().dropLast()) == bytes, "\(n) bytes, a substring")
        }
    }

    @Test("anything but the one canonical encoding is rejected", arguments: [
        "Zg", "Zg=", "Zg===", "Zh==", "Zm9=", "Z g==", "Zg==\n", " Zg==", "Zm9v\r\nYmFy", "-_-_", "Zm9v_w==",
        "=Zg=", "Zg==Zg==", "Z===", "====", "Zm9vY", "Zm!v", "Zm9vYg=a", "Zm9vYg\u{0}=",
    ])
    func rejects(text: String) {
        #expect(StrictBase64.decode(text) == nil)
    }

    @Test("hex is lowercase, even-length, 0-9a-f only")
    func hex() {
        #expect(LowercaseHex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(LowercaseHex.encode([]) == "")
        // A sequence without contiguous storage takes the other path.
        #expect(LowercaseHex.encode((0...255).lazy.map(UInt8.init)) == (0...255).map { String(format: "%02x", $0) }.joined())
        #expect(LowercaseHex.decode("00abff") == [0x00, 0xAB, 0xFF])
        #expect(LowercaseHex.decode("") == [])
        #expect(LowercaseHex.decode("00ABFF") == nil)
        #expect(LowercaseHex.decode("abc") == nil)
        #expect(LowercaseHex.decode("zz") == nil)
        #expect(LowercaseHex.decode("0x00") == nil)
    }
}
