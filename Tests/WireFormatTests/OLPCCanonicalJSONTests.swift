import WireFormat
import XCTest

/// OLPC canonical JSON, the form TUF signatures cover: checked against bytes securesystemslib
/// 1.6.0's `encode_canonical` produced for the same value (python-tuf signs with it).
final class OLPCCanonicalJSONTests: XCTestCase {
    func testMatchesSecuresystemslib() throws {
        let value: JSONValue = [
            "b": 1, "a": [true, nil, "x\"y\\z\u{e9}\n\u{1}"], "\u{e9}": [:], "Z": -5, "\u{1F600}": 0, "\u{FF5E}": 1,
        ]
        // Code-point order puts U+FF5E before U+1F600; RFC 8785's UTF-16 order would not.
        let expected: [UInt8] = Array(#"{"Z":-5,"a":[true,null,"x\"y\\z"#.utf8) + [0xC3, 0xA9, 0x0A, 0x01]
            + Array(#""],"b":1,""#.utf8) + [0xC3, 0xA9] + Array(#"":{},""#.utf8) + [0xEF, 0xBD, 0x9E]
            + Array(#"":1,""#.utf8) + [0xF0, 0x9F, 0x98, 0x80] + Array(#"":0}"#.utf8)
        XCTAssertEqual(try OLPCCanonicalJSON.encode(value), expected)
        XCTAssertNotEqual(CanonicalJSON.encode(value), expected)
    }

    func testRefusesNonIntegerNumbers() {
        XCTAssertThrowsError(try OLPCCanonicalJSON.encode(["expires": .number(1.5)]))
    }

    func testParsedTextRoundTripsToTheSameCanonicalBytes() throws {
        let text = Array(#"{ "version" : 3, "_type":"timestamp", "meta": {"snapshot.json": {"version": 2}} }"#.utf8)
        XCTAssertEqual(String(decoding: try OLPCCanonicalJSON.encode(try JSONValue(parsing: text)), as: UTF8.self),
                       #"{"_type":"timestamp","meta":{"snapshot.json":{"version":2}},"version":3}"#)
    }
}
