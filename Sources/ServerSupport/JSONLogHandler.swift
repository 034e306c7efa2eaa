import Foundation
import Logging
import Synchronization
import WireFormat

/// A swift-log handler that writes one JSON object per line (`time`, `level`, `logger`, `message`,
/// then the metadata), the shape log collectors ingest without parsing rules. Each line is written
/// with a single `write(2)`, so lines from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    public init(label: String, level: Logger.Level = .info, output: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "time": .string(RFC3339.formatMilliseconds(Date())),   // 2026-11-25T17:33:35.308Z
            "level": .string(event.level.rawValue),
            "logger": .string(label),
            "message": .string(event.message.description),
        ]
        // The event's metadata wins over the handler's, and the four fields above over both. Not
        // `merging`: one more dictionary per line, and servers log a line per request.
        for (key, value) in event.metadata ?? [:] where fields[key] == nil { fields[key] = Self.json(value) }
        for (key, value) in metadata where fields[key] == nil { fields[key] = Self.json(value) }
        var line = CanonicalJSON.encode(.object(fields))
        line.append(UInt8(ascii: "\n"))
        output(line)
    }

    /// Writes to standard error in one call.
    public static let standardError: @Sendable ([UInt8]) -> Void = { line in
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let string): .string(string)
        case .stringConvertible(let convertible):
            if let int = convertible as? Int { .integer(Int64(int)) }
            else if let int = convertible as? Int64 { .integer(int) }
            else if let double = convertible as? Double, double.isFinite { .number(double) }
            else if let bool = convertible as? Bool { .bool(bool) }
            else { .string(convertible.description) }
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}
