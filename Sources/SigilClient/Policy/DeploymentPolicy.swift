import Foundation
import SigstoreKit
import WireFormat

/// The deployment gate's policy (`sigil policy check --policy`), a strict JSON document:
///
/// ```json
/// {
///   "identities": {
///     "release": [{"issuer": "https://token.actions.githubusercontent.com",
///                  "subjectRegExp": "^https://github.com/org/app/\\.github/workflows/release\\.yml@",
///                  "extensions": {"sourceRepositoryRef": "refs/heads/main"}}],
///     "ops": [{"issuer": "https://accounts.google.com", "subject": "oncall@example.com"}, {"publicKey": "ops.pub"}]
///   },
///   "lifecycleSigners": "ops",
///   "rules": [
///     {"rule": "signed", "by": "release"},
///     {"rule": "attestation", "type": "slsaprovenance1", "by": "release",
///      "predicate": {"rules": [{"path": "runDetails.builder.id", "matches": "^https://github.com/"}]}},
///     {"rule": "notQuarantined"},
///     {"rule": "notEndOfLife"},
///     {"rule": "notSuperseded", "maxDays": 30}
///   ]
/// }
/// ```
///
/// An identity is `issuer` or `issuerRegExp` plus `subject` or `subjectRegExp`, optionally with
/// `extensions` (Fulcio certificate extensions by name, each of which must hold exactly the given
/// value, as the CLI's `--certificate-github-workflow-*` flags check), or `publicKey` (a PEM file,
/// relative to the policy file). Lifecycle rules trust only statements signed by
/// `lifecycleSigners`. Unknown rules and members are errors.
public struct DeploymentPolicy: Sendable {
    public enum Rule: Sendable {
        /// Has a signature by one of the identities.
        case signed(by: String)
        /// Has an attestation of `predicateType` by one of the identities whose predicate passes `predicate`.
        case attestation(predicateType: String, by: String, predicate: PredicatePolicy?)
        case notQuarantined
        case notEndOfLife
        /// Superseded for no more than `maxDays` days.
        case notSuperseded(maxDays: Int)

        public var name: String {
            switch self {
            case .signed(let by): "signed by \(by)"
            case .attestation(let type, let by, let predicate): "attestation \(type) by \(by)" + (predicate == nil ? "" : " with predicate rules")
            case .notQuarantined: "not quarantined"
            case .notEndOfLife: "not end of life"
            case .notSuperseded(let days): "not superseded for more than \(days) days"
            }
        }
    }

    public let identities: [String: [VerificationPolicy.Signer]]
    public let lifecycleSigners: String?
    public let rules: [Rule]

    public static let ruleNames = ["signed", "attestation", "notQuarantined", "notEndOfLife", "notSuperseded"]

    /// Reads the policy file at `path` (public keys are resolved relative to its folder).
    public static func load(path: String) throws(PolicyError) -> DeploymentPolicy {
        guard let data = FileManager.default.contents(atPath: path) else { throw PolicyError("\(path): cannot read the file") }
        do {
            return try DeploymentPolicy(parsing: Array(data), baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        } catch {
            throw PolicyError("\(path): \(error.message)")
        }
    }

    public init(parsing bytes: [UInt8], baseDirectory: String) throws(PolicyError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw PolicyError("not valid JSON: \(error)") }
        guard case .object(let members) = json else { throw PolicyError("the policy must be a JSON object") }
        try PolicyError.rejectUnknown(members, allowed: ["identities", "lifecycleSigners", "rules"], at: "policy")
        guard let sets = members["identities"]?.objectValue, !sets.isEmpty else { throw PolicyError("identities must be a non-empty object") }
        var identities: [String: [VerificationPolicy.Signer]] = [:]
        for (name, value) in sets {
            guard let list = value.arrayValue, !list.isEmpty else { throw PolicyError("identities.\(name) must be a non-empty array") }
            var signers: [VerificationPolicy.Signer] = []
            for (k, entry) in list.enumerated() {
                signers.append(try Self.signer(entry, path: "identities.\(name)[\(k)]", baseDirectory: baseDirectory))
            }
            identities[name] = signers
        }
        func identitySet(_ value: JSONValue?, _ path: String) throws(PolicyError) -> String {
            guard let name = value?.stringValue else { throw PolicyError("\(path) must name an identity set") }
            guard identities[name] != nil else {
                throw PolicyError("\(path) names \(JSONError.quoted(name)), which identities does not define (defined: \(identities.keys.sorted().joined(separator: ", ")))")
            }
            return name
        }
        lifecycleSigners = try members["lifecycleSigners"].map { v throws(PolicyError) in try identitySet(v, "lifecycleSigners") }
        guard let list = members["rules"]?.arrayValue, !list.isEmpty else { throw PolicyError("rules must be a non-empty array") }
        var rules: [Rule] = []
        for (k, value) in list.enumerated() {
            let path = "rules[\(k)]"
            guard case .object(let fields) = value, let name = fields["rule"]?.stringValue else {
                throw PolicyError("\(path) must be an object with a \"rule\" name")
            }
            switch name {
            case "signed":
                try PolicyError.rejectUnknown(fields, allowed: ["rule", "by"], at: path)
                rules.append(.signed(by: try identitySet(fields["by"], "\(path).by")))
            case "attestation":
                try PolicyError.rejectUnknown(fields, allowed: ["rule", "type", "by", "predicate"], at: path)
                guard let type = fields["type"]?.stringValue else { throw PolicyError("\(path).type must be a predicate type") }
                let uri: String
                do { uri = try PredicateTypes.resolve(type) } catch { throw PolicyError("\(path).type: \(error)") }
                let predicate = try fields["predicate"].map { v throws(PolicyError) in try PredicatePolicy(json: v, path: "\(path).predicate") }
                rules.append(.attestation(predicateType: uri, by: try identitySet(fields["by"], "\(path).by"), predicate: predicate))
            case "notQuarantined", "notEndOfLife":
                try PolicyError.rejectUnknown(fields, allowed: ["rule"], at: path)
                rules.append(name == "notQuarantined" ? .notQuarantined : .notEndOfLife)
            case "notSuperseded":
                try PolicyError.rejectUnknown(fields, allowed: ["rule", "maxDays"], at: path)
                guard let days = fields["maxDays"]?.integerValue, days >= 0, days <= 100_000 else {
                    throw PolicyError("\(path).maxDays must be a whole number of days, 0 or more")
                }
                rules.append(.notSuperseded(maxDays: Int(days)))
            default:
                throw PolicyError("\(path): unknown rule \(JSONError.quoted(name)) (known rules: \(Self.ruleNames.joined(separator: ", ")))")
            }
        }
        let needsLifecycle = rules.contains { if case .signed = $0 { false } else if case .attestation = $0 { false } else { true } }
        if needsLifecycle && lifecycleSigners == nil {
            throw PolicyError("lifecycle rules need \"lifecycleSigners\": the identity set whose lifecycle statements count")
        }
        self.identities = identities
        self.rules = rules
    }

    /// Fulcio extensions a policy identity may pin, by their names in `FulcioExtension`. The issuer
    /// extensions are left out: `issuer`/`issuerRegExp` match them.
    static let extensionNames: [String: FulcioExtension] = Dictionary(uniqueKeysWithValues: FulcioExtension.allCases
        .filter { $0 != .issuerV1 && $0 != .issuer }
        .map { (String(describing: $0), $0) })

    private static func signer(_ value: JSONValue, path: String, baseDirectory: String) throws(PolicyError) -> VerificationPolicy.Signer {
        guard case .object(let fields) = value else { throw PolicyError("\(path) must be an object") }
        try PolicyError.rejectUnknown(fields, allowed: ["issuer", "issuerRegExp", "subject", "subjectRegExp", "extensions", "publicKey"], at: path)
        if let file = fields["publicKey"] {
            guard fields.count == 1, let name = file.stringValue else { throw PolicyError("\(path).publicKey must be a file name, alone") }
            let full = name.hasPrefix("/") ? name : baseDirectory + "/" + name
            guard let data = FileManager.default.contents(atPath: full) else { throw PolicyError("\(path).publicKey: cannot read \(full)") }
            do { return .publicKey(try VerificationKey(pem: String(decoding: data, as: UTF8.self))) } catch {
                throw PolicyError("\(path).publicKey \(full): \(error)")
            }
        }
        func matcher(_ exact: String, _ regex: String) throws(PolicyError) -> CertificateIdentity.Matcher {
            switch (fields[exact]?.stringValue, fields[regex]?.stringValue) {
            case (let value?, nil): return .exact(value)
            case (nil, let pattern?): return .regularExpression(pattern)
            default: throw PolicyError("\(path) needs exactly one of \(exact) and \(regex), as a string")
            }
        }
        var extensions: [FulcioExtension: String] = [:]
        if let value = fields["extensions"] {
            guard case .object(let members) = value, !members.isEmpty else {
                throw PolicyError("\(path).extensions must be a non-empty object of extension names and values")
            }
            for (name, expected) in members {
                guard let kind = Self.extensionNames[name] else {
                    throw PolicyError("\(path).extensions: unknown extension \(JSONError.quoted(name)) (known: \(Self.extensionNames.keys.sorted().joined(separator: ", ")))")
                }
                guard let text = expected.stringValue else { throw PolicyError("\(path).extensions.\(name) must be a string") }
                extensions[kind] = text
            }
        }
        do {
            return .certificate(try CertificateIdentity(subject: try matcher("subject", "subjectRegExp"), issuer: try matcher("issuer", "issuerRegExp"),
                                                        extensions: extensions))
        } catch let error as PolicyError {
            throw error
        } catch {
            throw PolicyError("\(path): \(error)")
        }
    }
}
