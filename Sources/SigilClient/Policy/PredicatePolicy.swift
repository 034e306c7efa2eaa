import Foundation
import SigstoreKit
import WireFormat

/// Assertions about an attestation's predicate, for `verify-attestation --policy` and the
/// `attestation` rule of a deployment policy. A strict JSON format:
///
/// ```json
/// {"rules": [
///   {"path": "runDetails.builder.id", "equals": "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"},
///   {"path": "scanner.result.summary.critical", "max": 0},
///   {"path": "buildDefinition.buildType", "matches": "^https://slsa-framework/"},
///   {"path": "scanner.result.findings", "noneMatch": [{"path": "severity", "oneOf": ["CRITICAL", "HIGH"]}]}
/// ]}
/// ```
///
/// `path` is dot-separated member names from the predicate (a segment of digits indexes an array).
/// Each rule has exactly one test (`min` and `max` may go together): `equals`, `notEquals`,
/// `oneOf` (a list), `matches` (a regular expression, searched), `exists` (true/false), `min`,
/// `max` (numbers), and `allMatch`, `anyMatch`, `noneMatch` (a list of rules every element,
/// some element, or no element of an array satisfies; their paths start at the element). An
/// optional `description` names the rule in output. A missing value fails every test except
/// `exists: false` and `notEquals`. Unknown members are errors.
public struct PredicatePolicy: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public enum Test: Sendable, Equatable {
            case equals(JSONValue)
            case notEquals(JSONValue)
            case oneOf([JSONValue])
            case matches(String)
            case exists(Bool)
            case range(min: Double?, max: Double?)
            case allMatch([Rule])
            case anyMatch([Rule])
            case noneMatch([Rule])
        }

        public let path: [String]
        public let test: Test
        public let description: String?
    }

    public let rules: [Rule]

    /// Parses a policy document; errors name the rule and member.
    public init(parsing bytes: some Collection<UInt8>) throws(PolicyError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw PolicyError("not valid JSON: \(error)") }
        try self.init(json: json, path: "policy")
    }

    public init(json: JSONValue, path: String) throws(PolicyError) {
        guard case .object(let members) = json else { throw PolicyError("\(path) must be an object") }
        try PolicyError.rejectUnknown(members, allowed: ["rules"], at: path)
        guard let list = members["rules"]?.arrayValue, !list.isEmpty else { throw PolicyError("\(path).rules must be a non-empty array") }
        rules = try Self.rules(list, path: "\(path).rules")
    }

    static func rules(_ list: [JSONValue], path: String) throws(PolicyError) -> [Rule] {
        var out: [Rule] = []
        for (k, value) in list.enumerated() { out.append(try Rule(json: value, path: "\(path)[\(k)]")) }
        return out
    }

    /// One rule's outcome.
    public struct Verdict: Sendable, Equatable, CustomStringConvertible {
        public let rule: String
        public let passed: Bool
        /// What was found.
        public let actual: String
        public var description: String { "\(passed ? "PASS" : "FAIL") \(rule) (actual: \(actual))" }
    }

    /// Evaluates every rule against `predicate`.
    public func evaluate(_ predicate: JSONValue) -> [Verdict] {
        rules.map { rule in
            let value = rule.value(in: predicate)
            return Verdict(rule: rule.summary, passed: rule.holds(for: predicate), actual: value.map(Self.show) ?? "missing")
        }
    }

    static func show(_ value: JSONValue) -> String {
        let text = String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
}

extension PredicatePolicy.Rule {
    private static let tests = ["equals", "notEquals", "oneOf", "matches", "exists", "min", "max", "allMatch", "anyMatch", "noneMatch"]

    init(json: JSONValue, path: String) throws(PolicyError) {
        guard case .object(let members) = json else { throw PolicyError("\(path) must be an object") }
        try PolicyError.rejectUnknown(members, allowed: ["path", "description"] + Self.tests, at: path)
        guard let text = members["path"]?.stringValue, !text.isEmpty else { throw PolicyError("\(path).path must be a non-empty string") }
        let segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !segments.contains("") else { throw PolicyError("\(path).path \(JSONError.quoted(text)) has an empty segment") }
        var description: String?
        if let value = members["description"] {
            guard let text = value.stringValue else { throw PolicyError("\(path).description must be a string") }
            description = text
        }
        let present = Self.tests.filter { members[$0] != nil }
        guard !present.isEmpty else { throw PolicyError("\(path) has no test (one of \(Self.tests.joined(separator: ", ")))") }
        guard present.count == 1 || Set(present) == ["min", "max"] else {
            throw PolicyError("\(path) has several tests (\(present.joined(separator: ", "))); give one per rule")
        }
        let test: Test
        switch present[0] {
        case "equals": test = .equals(members["equals"]!)
        case "notEquals": test = .notEquals(members["notEquals"]!)
        case "oneOf":
            guard let list = members["oneOf"]?.arrayValue, !list.isEmpty else { throw PolicyError("\(path).oneOf must be a non-empty array") }
            test = .oneOf(list)
        case "matches":
            guard let pattern = members["matches"]?.stringValue else { throw PolicyError("\(path).matches must be a string") }
            do { _ = try Regex(pattern) } catch { throw PolicyError("\(path).matches \(JSONError.quoted(pattern)) is not a valid regular expression") }
            test = .matches(pattern)
        case "exists":
            guard let flag = members["exists"]?.boolValue else { throw PolicyError("\(path).exists must be true or false") }
            test = .exists(flag)
        case "min", "max":
            let min = members["min"], max = members["max"]
            guard min == nil || min?.numberValue != nil, max == nil || max?.numberValue != nil else {
                throw PolicyError("\(path).min and .max must be numbers")
            }
            test = .range(min: min?.numberValue, max: max?.numberValue)
        default:
            let name = present[0]
            guard let list = members[name]?.arrayValue, !list.isEmpty else { throw PolicyError("\(path).\(name) must be a non-empty array of rules") }
            let rules = try PredicatePolicy.rules(list, path: "\(path).\(name)")
            test = name == "allMatch" ? .allMatch(rules) : name == "anyMatch" ? .anyMatch(rules) : .noneMatch(rules)
        }
        self.init(path: segments, test: test, description: description)
    }

    func value(in root: JSONValue) -> JSONValue? {
        var current = root
        for segment in path {
            if case .array(let elements) = current, let index = Int(segment), elements.indices.contains(index) {
                current = elements[index]
            } else if let member = current[segment] {
                current = member
            } else {
                return nil
            }
        }
        return current.isNull ? nil : current
    }

    func holds(for root: JSONValue) -> Bool {
        let value = value(in: root)
        switch test {
        case .exists(let wanted): return (value != nil) == wanted
        case .notEquals(let other): return value.map { !Self.same($0, other) } ?? true
        default: break
        }
        guard let value else { return false }
        switch test {
        case .equals(let expected): return Self.same(value, expected)
        case .oneOf(let options): return options.contains { Self.same(value, $0) }
        case .matches(let pattern):
            // Code points, as Go's regexp and cosign's policies see them: Swift's default would
            // match `é` against `e` + U+0301.
            guard let text = value.stringValue, let regex = try? Regex(pattern).matchingSemantics(.unicodeScalar) else { return false }
            return text.contains(regex)
        case .range(let min, let max):
            guard let number = value.numberValue else { return false }
            return (min.map { number >= $0 } ?? true) && (max.map { number <= $0 } ?? true)
        case .allMatch(let rules), .anyMatch(let rules), .noneMatch(let rules):
            guard let elements = value.arrayValue else { return false }
            let matching = elements.filter { element in rules.allSatisfy { $0.holds(for: element) } }.count
            if case .allMatch = test { return matching == elements.count }
            if case .anyMatch = test { return matching > 0 }
            return matching == 0
        case .exists, .notEquals: return true   // handled above
        }
    }

    /// JSON equality with numbers compared by value (`1` equals `1.0`) and strings by their bytes.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.numberValue, let y = b.numberValue { return x == y }
        switch (a, b) {
        case let (.string(x), .string(y)): return x.isExactly(y)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.object(x), .object(y)):
            // `JSONValue`'s subscript finds only a byte-identical member name.
            return x.count == y.count && x.allSatisfy { key, value in b[key].map { same(value, $0) } ?? false }
        default: return a == b
        }
    }

    /// `runDetails.builder.id equals "…"`, or the rule's description.
    var summary: String {
        if let description { return description }
        let where_ = path.joined(separator: ".")
        switch test {
        case .equals(let v): return "\(where_) equals \(PredicatePolicy.show(v))"
        case .notEquals(let v): return "\(where_) does not equal \(PredicatePolicy.show(v))"
        case .oneOf(let v): return "\(where_) is one of \(PredicatePolicy.show(.array(v)))"
        case .matches(let p): return "\(where_) matches /\(p)/"
        case .exists(let e): return "\(where_) \(e ? "exists" : "is absent")"
        case .range(let min, let max):
            return "\(where_) " + [min.map { ">= \(Self.number($0))" }, max.map { "<= \(Self.number($0))" }].compactMap { $0 }.joined(separator: " and ")
        case .allMatch(let r): return "every \(where_) element: \(r.map(\.summary).joined(separator: " and "))"
        case .anyMatch(let r): return "some \(where_) element: \(r.map(\.summary).joined(separator: " and "))"
        case .noneMatch(let r): return "no \(where_) element: \(r.map(\.summary).joined(separator: " and "))"
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A policy file that cannot be used; names the member.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid policy: \(message)" }

    static func rejectUnknown(_ members: [String: JSONValue], allowed: [String], at path: String) throws(PolicyError) {
        if let extra = members.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw PolicyError("\(path) has unknown member \(JSONError.quoted(extra)) (allowed: \(allowed.joined(separator: ", ")))")
        }
    }
}
