import Logging
import ServerSupport
import Testing
import WireFormat

/// One JSON object per line, keys sorted, and when two sources name the same field: the event's
/// metadata over the logger's, the handler's own four fields over both.
@Suite struct JSONLogHandlerTests {
    @Test func theEventWinsOverTheLoggerAndTheFixedFieldsOverBoth() throws {
        let lines = LineCollector()
        var logger = Logger(label: "test") { label in JSONLogHandler(label: label, output: { lines.append($0) }) }
        logger[metadataKey: "shared"] = "from the logger"
        logger[metadataKey: "level"] = "from the logger"
        logger[metadataKey: "kept"] = "from the logger"
        logger.info("hello", metadata: ["shared": "from the event", "message": "from the event", "count": .stringConvertible(3),
                                        "duration": .stringConvertible(1.5)])
        let line = try #require(lines.all.first)
        #expect(line.last == UInt8(ascii: "\n"))
        let fields = try JSONValue(parsing: Array(line.dropLast()))
        #expect(fields["shared"] == "from the event")
        #expect(fields["kept"] == "from the logger")
        #expect(fields["level"] == "info")
        #expect(fields["message"] == "hello")
        #expect(fields["logger"] == "test")
        #expect(fields["count"] == .integer(3))
        #expect(fields["duration"] == .number(1.5))
        // Canonical: what it parses to, encoded again, is the line itself.
        #expect(CanonicalJSON.encode(fields) == Array(line.dropLast()))
    }
}
