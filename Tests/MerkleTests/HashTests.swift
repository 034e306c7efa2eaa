import Foundation
import Merkle
import Testing

@Suite("Hash")
struct HashTests {
    static let sample = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"

    @Test func storedInline() {
        #expect(MemoryLayout<Hash>.size == 32)
        #expect(MemoryLayout<Hash>.stride == 32)
    }

    @Test func bytesRoundTrip() throws {
        let bytes = (0..<32).map { UInt8($0 * 7) }
        let value = try #require(Hash(bytes))
        #expect(value.bytes == bytes)
        #expect(value.withUnsafeBytes { Array($0) } == bytes)
        #expect(Hash(bytes[...]) == value)                       // contiguous slice
        #expect(Hash(UInt8(0)..<UInt8(32)) == Hash(Array(0..<32)))  // non-contiguous collection
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func rejectsWrongByteCount(count: Int) {
        #expect(Hash([UInt8](repeating: 1, count: count)) == nil)
    }

    @Test func hex() throws {
        let value = try #require(Hash(hex: Self.sample))
        #expect(value.hex == Self.sample)
        #expect(value.description == Self.sample)
        #expect(Hash(hex: Self.sample.uppercased()) == value)
        #expect(Hash(bytes(hex: Self.sample)!) == value)
    }

    static let badHex: [String] = {
        let sample = HashTests.sample
        var texts: [String] = ["", "0x" + String(sample.dropFirst(2))]
        texts.append(String(sample.dropLast()))          // 63 digits
        texts.append(sample + "0")                       // 65 digits
        texts.append(String(sample.dropLast(2)))         // 31 bytes
        texts.append(sample + "00")                      // 33 bytes
        texts.append("g" + String(sample.dropFirst()))   // not hex
        texts.append(" " + String(sample.dropFirst()))
        texts.append(String(sample.dropLast()) + "é")
        return texts
    }()

    @Test(arguments: badHex)
    func rejectsBadHex(text: String) {
        #expect(Hash(hex: text) == nil)
    }

    @Test func base64() throws {
        let value = try #require(Hash(hex: Self.sample))
        let encoded = Data(value.bytes).base64EncodedString()
        #expect(value.base64 == encoded)
        #expect(encoded.count == 44 && encoded.hasSuffix("="))
        #expect(Hash(base64: encoded) == value)
    }

    @Test func rejectsNonCanonicalBase64() throws {
        let value = try #require(Hash(hex: Self.sample))
        let encoded = value.base64
        #expect(Hash(base64: String(encoded.dropLast())) == nil)          // padding missing
        #expect(Hash(base64: encoded + "=") == nil)
        #expect(Hash(base64: " " + encoded) == nil)
        #expect(Hash(base64: Data(value.bytes.dropLast()).base64EncodedString()) == nil)   // 31 bytes
        #expect(Hash(base64: Data(value.bytes + [0]).base64EncodedString()) == nil)        // 33 bytes
        // The last character before "=" carries two unused bits; a set unused bit is another spelling.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(encoded)
        let last = alphabet.firstIndex(of: characters[42])!
        characters[42] = alphabet[last | 1]
        #expect(last & 3 == 0 && Hash(base64: String(characters)) == nil)
        // URL-safe alphabet is not standard base64.
        let withSlash = Hash(Array(repeating: 0xFF, count: 32))!
        #expect(withSlash.base64.contains("/"))
        #expect(Hash(base64: withSlash.base64.replacingOccurrences(of: "/", with: "_")) == nil)
    }

    @Test func hashableAndEquatable() throws {
        let a = try #require(Hash(hex: Self.sample))
        var flipped = a.bytes
        flipped[31] ^= 1
        let b = try #require(Hash(flipped))
        #expect(a != b)
        #expect(Set([a, b, a]).count == 2)
        #expect(Set((0..<32).map { position in
            var bytes = [UInt8](repeating: 0, count: 32)
            bytes[position] = 1
            return Hash(bytes)!
        }).count == 32)
    }
}
