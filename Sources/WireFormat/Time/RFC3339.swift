import Foundation

/// RFC 3339 timestamps, the one parser and formatter of the code base: as the protobuf JSON
/// mapping writes `google.protobuf.Timestamp` (`2021-01-12T11:53:27Z`, optional fraction up to
/// nanoseconds, `Z` or a numeric offset), in messages, reports and log lines.
public enum RFC3339 {
    /// The instant `text` names, or nil unless it is a valid RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var n = 0
            for c in b[at..<at + count] { guard c >= 48, c <= 57 else { return nil }; n = n * 10 + Int(c - 48) }
            return n
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
              let day = digits(8, 2), b[10] == 84 || b[10] == 116, let hour = digits(11, 2), b[13] == 58,
              let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start, i - start <= 9 else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2),
                  oh < 24, om < 60 {
            offset = (oh * 60 + om) * 60 * (b[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .addingTimeInterval(Double(-offset)).addingTimeInterval(fraction)
    }

    /// The instant of a UTC calendar date and time (proleptic Gregorian, no leap seconds), as ASN.1
    /// `GeneralizedTime` and `UTCTime` name one. Plain arithmetic: Foundation's `Calendar` would load
    /// the time-zone database and ICU first, about half a millisecond of a client's start. The fields
    /// must name a real date and time, as a parsed ASN.1 time's do; others roll over unchecked.
    public static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` in UTC, rounded to the millisecond; the fraction only when
    /// non-zero, as protobuf JSON writes timestamps and as messages show them.
    /// A time outside the four-digit years RFC 3339 can write (a bundle's `integratedTime` is any
    /// int64 an attacker chose) is described instead, never converted: `Int(Double)` would trap.
    public static func format(_ date: Date) -> String {
        let total = date.timeIntervalSince1970
        guard writable.contains(total) else { return unwritable(total) }
        var seconds = Int(total.rounded(.down))
        var millis = Int(((total - Double(seconds)) * 1000).rounded())
        if millis == 1000 { seconds += 1; millis = 0 }
        return write(seconds: seconds, millis: millis == 0 ? nil : millis)
    }

    /// `YYYY-MM-DDTHH:MM:SS.fffZ` in UTC, always with milliseconds (truncated, as Foundation's
    /// ISO 8601 style does): fixed width, for log lines. Cheap enough to run on every log line:
    /// Foundation's ISO 8601 formatter cost more than the rest of a request's log line.
    public static func formatMilliseconds(_ date: Date) -> String {
        guard writable.contains(date.timeIntervalSince1970) else { return unwritable(date.timeIntervalSince1970) }
        let (seconds, millis) = Int((date.timeIntervalSince1970 * 1000).rounded(.down)).quotientAndRemainder(dividingBy: 1000)
        return millis < 0 ? write(seconds: seconds - 1, millis: millis + 1000) : write(seconds: seconds, millis: millis)
    }

    /// Seconds since the epoch from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
    static let writable: ClosedRange<Double> = -62_135_596_800...253_402_300_799.999

    /// What `format` says of a time it cannot write as RFC 3339.
    static func unwritable(_ seconds: Double) -> String {
        seconds.isNaN ? "(not a time)" : "(\(seconds) s from 1970-01-01T00:00:00Z, outside years 0001–9999)"
    }

    /// The text for `seconds` since the epoch plus `millis` (written when not nil), built as bytes.
    private static func write(seconds: Int, millis: Int?) -> String {
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civilFromDays(days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        // Digit by digit into one buffer: no per-field String, as this runs for every log line.
        func digits(_ value: Int, _ count: Int, then separator: UInt8) {
            if value < 0 { text.append(UInt8(ascii: "-")) }   // only years, and only before year 0
            let magnitude = value.magnitude
            var divisor: UInt = 1
            for _ in 1..<count { divisor *= 10 }
            while magnitude / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
                divisor /= 10
            }
            text.append(separator)
        }
        digits(year, 4, then: UInt8(ascii: "-")); digits(month, 2, then: UInt8(ascii: "-")); digits(day, 2, then: UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, then: UInt8(ascii: ":")); digits(secondOfDay / 60 % 60, 2, then: UInt8(ascii: ":"))
        if let millis {
            digits(secondOfDay % 60, 2, then: UInt8(ascii: ".")); digits(millis, 3, then: UInt8(ascii: "Z"))
        } else {
            digits(secondOfDay % 60, 2, then: UInt8(ascii: "Z"))
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
