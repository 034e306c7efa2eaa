import Foundation
import SigstoreKit
import WireFormat

/// Which keys sign each top-level TUF role, how many must, and for how long a signature holds:
/// the operator's `tuf/roles.json` (copied into the data folder by `init`; `rotate tuf-root`
/// publishes a root for what it says after an edit). Keys are named; a name is a key file
/// `keys/tuf/<name>.pem`, and one name listed under several roles is one key signing each.
///
/// ```json
/// {"roles": {"root":      {"keys": ["root"],    "threshold": 1, "expires": "365d", "renewBefore": "60d"},
///            "targets":   {"keys": ["targets"], "threshold": 1, "expires": "84d",  "renewBefore": "28d"},
///            "snapshot":  {"keys": ["online"],  "threshold": 1, "expires": "21d",  "renewBefore": "7d"},
///            "timestamp": {"keys": ["online"],  "threshold": 1, "expires": "3d",   "renewBefore": "36h"}}}
/// ```
/// Durations are a whole number with `s`, `m`, `h` or `d`. A role is signed again, with a new
/// version, once less than `renewBefore` of its life remains.
public struct TUFRoleSettings: Sendable, Equatable {
    /// One role's keys, threshold and lifetime.
    public struct Role: Sendable, Equatable {
        public var keys: [String]
        public var threshold: Int
        public var expires: TimeInterval
        public var renewBefore: TimeInterval
    }

    public var roles: [TUFRole: Role]

    /// The settings `init` uses when the operator gives no file: Sigstore's shape (an offline root
    /// and targets key, one online key for snapshot and timestamp) with thresholds of one.
    public static let standard = TUFRoleSettings(roles: [
        .root: Role(keys: ["root"], threshold: 1, expires: 365 * 86_400, renewBefore: 60 * 86_400),
        .targets: Role(keys: ["targets"], threshold: 1, expires: 84 * 86_400, renewBefore: 28 * 86_400),
        .snapshot: Role(keys: ["online"], threshold: 1, expires: 21 * 86_400, renewBefore: 7 * 86_400),
        .timestamp: Role(keys: ["online"], threshold: 1, expires: 3 * 86_400, renewBefore: 36 * 3_600),
    ])

    public init(roles: [TUFRole: Role]) {
        self.roles = roles
    }

    /// Parses a roles file, refusing it with the member named.
    public init(parsing bytes: [UInt8]) throws(TUFError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw TUFError(.malformed, "not valid JSON: \(error)") }
        guard let roleObjects = json["roles"]?.objectValue else { throw TUFError(.malformed, "\"roles\" is missing") }
        for name in roleObjects.keys where TUFRole(rawValue: name) == nil {
            throw TUFError(.malformed, "roles.\(name): not a top-level role (root, targets, snapshot, timestamp)")
        }
        var roles: [TUFRole: Role] = [:]
        for role in TUFRole.allCases {
            let path = "roles.\(role.rawValue)"
            guard let object = json["roles"]?[role.rawValue] else { throw TUFError(.malformed, "\(path) is missing") }
            guard let keyList = object["keys"]?.arrayValue, !keyList.isEmpty else { throw TUFError(.malformed, "\(path).keys must list key names") }
            var keys: [String] = []
            for entry in keyList {
                guard let name = entry.stringValue, Self.isKeyName(name) else {
                    throw TUFError(.malformed, "\(path).keys: key names are 1-64 characters of a-z, 0-9 and -")
                }
                guard !keys.contains(name) else { throw TUFError(.malformed, "\(path).keys lists \(name) twice") }
                keys.append(name)
            }
            guard let threshold = object["threshold"]?.integerValue, threshold >= 1, threshold <= keys.count else {
                throw TUFError(.malformed, "\(path).threshold must be between 1 and the number of keys (\(keys.count))")
            }
            guard let expiresText = object["expires"]?.stringValue, let expires = Self.duration(expiresText), expires > 0 else {
                throw TUFError(.malformed, "\(path).expires must be a duration such as 3d, 36h or 90m")
            }
            let renewBefore: TimeInterval
            if let value = object["renewBefore"] {
                guard let text = value.stringValue, let parsed = Self.duration(text), parsed > 0, parsed < expires else {
                    throw TUFError(.malformed, "\(path).renewBefore must be a duration shorter than expires")
                }
                renewBefore = parsed
            } else {
                renewBefore = expires / 2
            }
            roles[role] = Role(keys: keys, threshold: Int(threshold), expires: expires, renewBefore: renewBefore)
        }
        self.roles = roles
    }

    /// Reads the roles file at `url`.
    public init(file url: URL) throws(TUFError) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TUFError(.missing, "\(url.path): cannot read the TUF roles file")
        }
        do { try self.init(parsing: Array(data)) } catch { throw TUFError(error.kind, "\(url.path): \(error.message)") }
    }

    public func role(_ role: TUFRole) -> Role { roles[role]! }

    /// Every key name, once.
    public var keyNames: [String] {
        var names: [String] = []
        for role in TUFRole.allCases { for name in self.role(role).keys where !names.contains(name) { names.append(name) } }
        return names
    }

    /// The file written for these settings, readable and in the documented shape.
    public var json: JSONValue {
        func text(_ seconds: TimeInterval) -> String {
            let s = Int(seconds)
            if s % 86_400 == 0 { return "\(s / 86_400)d" }
            if s % 3_600 == 0 { return "\(s / 3_600)h" }
            if s % 60 == 0 { return "\(s / 60)m" }
            return "\(s)s"
        }
        var roleObjects: [String: JSONValue] = [:]
        for (role, settings) in roles {
            roleObjects[role.rawValue] = ["keys": .array(settings.keys.map { .string($0) }), "threshold": .integer(Int64(settings.threshold)),
                                          "expires": .string(text(settings.expires)), "renewBefore": .string(text(settings.renewBefore))]
        }
        return ["roles": .object(roleObjects)]
    }

    static func isKeyName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { ($0.isASCIILetter && $0 >= UInt8(ascii: "a")) || $0.isASCIIDigit || $0 == UInt8(ascii: "-") }
    }

    /// `90s`, `15m`, `36h`, `3d` in seconds.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.utf8.last, text.utf8.count >= 2 else { return nil }
        let digits = text.utf8.dropLast()
        guard digits.allSatisfy(\.isASCIIDigit), let count = Int(String(decoding: digits, as: UTF8.self)), count <= 100_000 else { return nil }
        switch unit {
        case UInt8(ascii: "s"): return TimeInterval(count)
        case UInt8(ascii: "m"): return TimeInterval(count * 60)
        case UInt8(ascii: "h"): return TimeInterval(count * 3_600)
        case UInt8(ascii: "d"): return TimeInterval(count * 86_400)
        default: return nil
        }
    }
}
