import Foundation
import Testing
import WireFormat

@Suite("RFC 3339: one parser, one formatter")
struct RFC3339Tests {
    @Test("log timestamps match Foundation's ISO 8601 style with milliseconds")
    func logTimestampsMatchFoundation() {
        #expect(RFC3339.formatMilliseconds(Date(timeIntervalSince1970: 0.5)) == "1970-01-01T00:00:00.500Z")
        #expect(RFC3339.formatMilliseconds(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let milliseconds = Double(Int64.random(in: 0...4_102_444_800_000, using: &generator))
            // Mid-millisecond, so floating-point rounding cannot put the two on different sides of it.
            let date = Date(timeIntervalSince1970: (milliseconds + 0.5) / 1000)
            #expect(RFC3339.formatMilliseconds(date) == date.formatted(style))
        }
    }

    @Test("instant agrees with Foundation's Gregorian calendar in UTC, before 1970 and after 2049 too")
    func instantMatchesFoundationsCalendar() {
        #expect(RFC3339.instant(year: 2021, month: 1, day: 12, hour: 11, minute: 53, second: 27) == Date(timeIntervalSince1970: 1_610_452_407))
        #expect(RFC3339.instant(year: 1950, month: 1, day: 1, hour: 0, minute: 0, second: 0) == Date(timeIntervalSince1970: -631_152_000))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let (year, month) = (Int.random(in: 1900...2200, using: &generator), Int.random(in: 1...12, using: &generator))
            let days = calendar.range(of: .day, in: .month, for: calendar.date(from: DateComponents(year: year, month: month))!)!
            let components = DateComponents(year: year, month: month, day: Int.random(in: days, using: &generator),
                                            hour: Int.random(in: 0...23, using: &generator), minute: Int.random(in: 0...59, using: &generator),
                                            second: Int.random(in: 0...59, using: &generator))
            #expect(RFC3339.instant(year: components.year!, month: components.month!, day: components.day!, hour: components.hour!,
                                    minute: components.minute!, second: components.second!) == calendar.date(from: components)!)
        }
    }

    @Test("times outside years 0001-9999 are described, not written or trapped on")
    func formatOutOfRange() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00Z")
        for seconds in [Double(Int64.max), -Double(Int64.max), 253_402_300_800, -62_135_596_801, .infinity, -.infinity, .nan] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC3339.format(date).hasPrefix("("), "\(seconds)")
            #expect(RFC3339.formatMilliseconds(date).hasPrefix("("), "\(seconds)")
        }
    }

    @Test("format writes a fraction only when there is one, and parse reads it back")
    func formatRoundTrips() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_610_452_407)) == "2021-01-12T11:53:27Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_610_452_407.25)) == "2021-01-12T11:53:27.250Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_610_452_407.9996)) == "2021-01-12T11:53:28Z")
        for seconds in stride(from: 0, to: 4_102_444_800, by: 7_777_777) {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(RFC3339.parse(RFC3339.format(date)) == date)
        }
    }

    @Test("parse accepts offsets and fractions, and rejects what is not a date-time", arguments: [
        ("2021-01-12T11:53:27Z", 1_610_452_407.0), ("2021-01-12t11:53:27z", 1_610_452_407.0),
        ("2021-01-12T12:53:27+01:00", 1_610_452_407.0), ("2021-01-12T11:53:27.5Z", 1_610_452_407.5),
    ])
    func parses(text: String, seconds: Double) {
        #expect(RFC3339.parse(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test("invalid date-times are rejected", arguments: [
        "", "2021-01-12", "2021-01-12T11:53:27", "2021-02-30T00:00:00Z", "2021-01-12T24:00:00Z",
        "2021-01-12T11:53:27.Z", "2021-01-12T11:53:27.1234567890Z", "2021-01-12 11:53:27Z", "2021-01-12T11:53:27+0100",
    ])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
