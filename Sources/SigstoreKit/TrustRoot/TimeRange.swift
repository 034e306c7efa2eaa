import Foundation
import WireFormat

/// A protobuf-specs `TimeRange`: a closed interval `[start, end]`, `end` absent meaning "still
/// valid". Both ends are inclusive (a time equal to `end` is inside).
public struct TimeRange: Sendable, Hashable {
    public var start: Date
    public var end: Date?

    public init(start: Date, end: Date? = nil) {
        self.start = start
        self.end = end
    }

    /// `start ≤ date ≤ end`.
    public func contains(_ date: Date) -> Bool {
        date >= start && (end.map { date <= $0 } ?? true)
    }

    init(_ object: ProtoJSONObject) throws(ProtoJSONError) {
        try object.rejectUnknown(["start", "end"])
        start = try object.timestamp("start")
        end = object.has("end") ? try object.timestamp("end") : nil
        if let end, end < start { throw ProtoJSONError("\(object.fieldPath("end")) is before start") }
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["start": .string(RFC3339.format(start))]
        if let end { members["end"] = .string(RFC3339.format(end)) }
        return .object(members)
    }
}
