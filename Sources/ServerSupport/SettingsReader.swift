import Foundation
import WireFormat

/// Reads one server's settings from three layers, each overriding the one before: the documented
/// default, a JSON configuration file, environment variables (`SIGIL_LOG_PORT` for `port` of the log
/// server), and command-line flags.
///
/// The file is strict: a key the server does not know, a value of the wrong type or out of range
/// stops start-up with the file and the field named, so a typo can never silently fall back to a
/// default. The same holds for environment variables carrying the server's prefix.
public struct SettingsReader {
    /// The configuration file, if one was read.
    public let file: String?
    private let fileValues: [String: JSONValue]
    private let environment: [String: String]
    private let prefix: String

    /// - Parameters:
    ///   - file: the JSON file to read; nil reads none.
    ///   - known: every key the server understands, nested ones dotted (`tls.certificate`).
    ///   - prefix: environment variable prefix, e.g. `SIGIL_LOG_`.
    public init(file: String?, known: Set<String>, prefix: String,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        self.file = file
        self.prefix = prefix
        self.environment = environment
        var values: [String: JSONValue] = [:]
        if let file {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw ConfigurationError(source: file, field: "(file)", problem: "cannot be read: \(FileErrorReason.describe(error))")
            }
            let parsed: JSONValue
            do { parsed = try JSONValue(parsing: data) } catch {
                throw ConfigurationError(source: file, field: "(file)", problem: "is not valid JSON: \(error)")
            }
            guard case .object(let members) = parsed else {
                throw ConfigurationError(source: file, field: "(file)", problem: "must hold a JSON object")
            }
            try Self.flatten(members, under: "", known: known, file: file, into: &values)
        }
        fileValues = values
        let names = Dictionary(known.map { (Self.environmentName(prefix: prefix, key: $0), $0) }, uniquingKeysWith: { a, _ in a })
        for variable in environment.keys.sorted() where variable.hasPrefix(prefix) && variable != prefix + "CONFIG" {
            guard names[variable] != nil else {
                throw ConfigurationError(source: "environment \(variable)", field: variable,
                                         problem: "is not a setting of this server (known: \(names.keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    /// The environment variable that overrides `key`: `maxRequestBytes` → `SIGIL_LOG_MAX_REQUEST_BYTES`.
    public static func environmentName(prefix: String, key: String) -> String {
        var name = prefix
        var previousWasLower = false
        for character in key {
            if character == "." { name.append("_"); previousWasLower = false; continue }
            if character.isUppercase, previousWasLower { name.append("_") }
            name.append(contentsOf: character.uppercased())
            previousWasLower = character.isLowercase || character.isNumber
        }
        return name
    }

    /// Where the effective value of `key` comes from, for messages about it.
    public func origin(of key: String, flag: String?, flagSet: Bool) -> String {
        if flagSet, let flag { return "--\(flag)" }
        let variable = Self.environmentName(prefix: prefix, key: key)
        if environment[variable] != nil { return "environment \(variable)" }
        if fileValues[key] != nil, let file { return file }
        return "default"
    }

    /// Whether the file or the environment sets `key` (flags aside).
    public func has(_ key: String) -> Bool {
        fileValues[key] != nil || environment[Self.environmentName(prefix: prefix, key: key)] != nil
    }

    // MARK: Typed values

    public func string(_ key: String, flag: (name: String, value: String?)? = nil, default fallback: String) throws(ConfigurationError) -> String {
        try optionalString(key, flag: flag) ?? fallback
    }

    public func optionalString(_ key: String, flag: (name: String, value: String?)? = nil) throws(ConfigurationError) -> String? {
        if let value = flag?.value { return value }
        if let value = environment[Self.environmentName(prefix: prefix, key: key)] { return value }
        guard let value = fileValues[key] else { return nil }
        guard case .string(let string) = value else { throw fileError(key, "must be a string") }
        return string
    }

    public func integer(_ key: String, flag: (name: String, value: Int?)? = nil, default fallback: Int,
                        range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let (value, source): (Int, String)
        if let flagged = flag?.value {
            (value, source) = (flagged, "--\(flag!.name)")
        } else if let text = environment[Self.environmentName(prefix: prefix, key: key)] {
            let variable = Self.environmentName(prefix: prefix, key: key)
            guard let parsed = Int(text) else {
                throw ConfigurationError(source: "environment \(variable)", field: key, problem: "\"\(text)\" is not an integer")
            }
            (value, source) = (parsed, "environment \(variable)")
        } else if let stored = fileValues[key] {
            guard let parsed = stored.integerValue, let int = Int(exactly: parsed) else { throw fileError(key, "must be an integer") }
            (value, source) = (int, file ?? "")
        } else {
            return fallback
        }
        guard range.contains(value) else {
            throw ConfigurationError(source: source, field: key, problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func bool(_ key: String, flag: (name: String, value: Bool?)? = nil, default fallback: Bool) throws(ConfigurationError) -> Bool {
        if let value = flag?.value { return value }
        let variable = Self.environmentName(prefix: prefix, key: key)
        if let text = environment[variable] {
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw ConfigurationError(source: "environment \(variable)", field: key, problem: "\"\(text)\" is not true or false")
            }
        }
        guard let value = fileValues[key] else { return fallback }
        guard case .bool(let bool) = value else { throw fileError(key, "must be true or false") }
        return bool
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, flag: (name: String, value: String?)? = nil, default fallback: String,
                       among choices: [String]) throws(ConfigurationError) -> String {
        let value = try string(key, flag: flag, default: fallback)
        guard choices.contains(value) else {
            throw ConfigurationError(source: origin(of: key, flag: flag?.name, flagSet: flag?.value != nil), field: key,
                                     problem: "\"\(value)\" is not one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// An absolute `http` or `https` URL with a host, without a trailing slash.
    public func url(_ key: String, flag: (name: String, value: String?)? = nil, default fallback: String) throws(ConfigurationError) -> String {
        let given = try string(key, flag: flag, default: fallback)
        var value = given
        while value.hasSuffix("/") { value.removeLast() }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ConfigurationError(source: origin(of: key, flag: flag?.name, flagSet: flag?.value != nil), field: key,
                                     problem: "\"\(given)\" is not an http:// or https:// URL with a host")
        }
        return value
    }

    // MARK: Parsing the file

    private func fileError(_ key: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(source: file ?? "configuration", field: key, problem: problem)
    }

    private static func flatten(_ members: [String: JSONValue], under parent: String, known: Set<String>, file: String,
                                into values: inout [String: JSONValue]) throws(ConfigurationError) {
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            let key = parent.isEmpty ? name : parent + "." + name
            // A free-text note for operators; never interpreted.
            if key == "description" { continue }
            if case .object(let nested) = value, known.contains(where: { $0.hasPrefix(key + ".") }) {
                try flatten(nested, under: key, known: known, file: file, into: &values)
                continue
            }
            guard known.contains(key) else {
                throw ConfigurationError(source: file, field: key, problem: "unknown setting (known: \(known.sorted().joined(separator: ", ")))")
            }
            if case .null = value { throw ConfigurationError(source: file, field: key, problem: "must not be null; leave it out for the default") }
            values[key] = value
        }
    }

}
