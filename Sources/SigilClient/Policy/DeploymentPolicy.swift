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

        /// Lifecycle rules read statements, so the policy must say whose statements count.
        var needsLifecycleSigners: Bool {
            switch self {
            case .signed, .attestation: false
            case .notQuarantined, .notEndOfLife, .notSuperseded: true
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
        let identities = try Self.identities(members["identities"], baseDirectory: baseDirectory)
        let lifecycleSigners = try members["lifecycleSigners"].map { v throws(PolicyError) in
            try Self.identitySet(v, "lifecycleSigners", in: identities)
        }
        let rules = try Self.rules(members["rules"], identities: identities)
        if rules.contains(where: \.needsLifecycleSigners) && lifecycleSigners == nil {
            throw PolicyError("lifecycle rules need \"lifecycleSigners\": the identity set whose lifecycle statements count")
        }
        self.identities = identities
        self.lifecycleSigners = lifecycleSigners
        self.rules = rules
    }

    /// `identities`: named, non-empty lists of signers.
    private static func identities(_ value: JSONValue?, baseDirectory: String) throws(PolicyError) -> [String: [VerificationPolicy.Signer]] {
        guard let sets = value?.objectValue, !sets.isEmpty else { throw PolicyError("identities must be a non-empty object") }
        var identities: [String: [VerificationPolicy.Signer]] = [:]
        for (name, value) in sets {
            guard let list = value.arrayValue, !list.isEmpty else { throw PolicyError("identities.\(name) must be a non-empty array") }
            var signers: [VerificationPolicy.Signer] = []
            for (k, entry) in list.enumerated() {
                signers.append(try Self.signer(entry, path: "identities.\(name)[\(k)]", baseDirectory: baseDirectory))
            }
            identities[name] = signers
        }
        return identities
    }

    /// The identity set `value` names, as `identities` spells it. Names are compared as bytes:
    /// a dictionary lookup would let a look-alike (U+212A for `K`) name another set.
    private static func identitySet(_ value: JSONValue?, _ path: String,
                                    in identities: [String: [VerificationPolicy.Signer]]) throws(PolicyError) -> String {
        guard let name = value?.stringValue else { throw PolicyError("\(path) must name an identity set") }
        guard let defined = identities.keys.first(where: { $0.isExactly(name) }) else {
            throw PolicyError("\(path) names \(JSONError.quoted(name)), which identities does not define (defined: \(identities.keys.sorted().joined(separator: ", ")))")
        }
        return defined
    }

    /// `rules`: a non-empty list, each naming a known rule.
    private static func rules(_ value: JSONValue?, identities: [String: [VerificationPolicy.Signer]]) throws(PolicyError) -> [Rule] {
        guard let list = value?.arrayValue, !list.isEmpty else { throw PolicyError("rules must be a non-empty array") }
        var rules: [Rule] = []
        for (k, value) in list.enumerated() {
            rules.append(try rule(value, path: "rules[\(k)]", identities: identities))
        }
        return rules
    }

    private static func rule(_ value: JSONValue, path: String, identities: [String: [VerificationPolicy.Signer]]) throws(PolicyError) -> Rule {
        guard case .object(let fields) = value, let given = fields["rule"]?.stringValue else {
            throw PolicyError("\(path) must be an object with a \"rule\" name")
        }
        // Matched as bytes, then dispatched on our own spelling (a `switch` on `given` would compare
        // by canonical equivalence).
        let name = ruleNames.first(where: { $0.isExactly(given) }) ?? ""
        func by() throws(PolicyError) -> String { try identitySet(fields["by"], "\(path).by", in: identities) }
        switch name {
        case "signed":
            try PolicyError.rejectUnknown(fields, allowed: ["rule", "by"], at: path)
            return .signed(by: try by())
        case "attestation":
            try PolicyError.rejectUnknown(fields, allowed: ["rule", "type", "by", "predicate"], at: path)
            guard let type = fields["type"]?.stringValue else { throw PolicyError("\(path).type must be a predicate type") }
            let uri: String
            do { uri = try PredicateTypes.resolve(type) } catch { throw PolicyError("\(path).type: \(error)") }
            let predicate = try fields["predicate"].map { v throws(PolicyError) in try PredicatePolicy(json: v, path: "\(path).predicate") }
            return .attestation(predicateType: uri, by: try by(), predicate: predicate)
        case "notSuperseded":
            try PolicyError.rejectUnknown(fields, allowed: ["rule", "maxDays"], at: path)
            guard let days = fields["maxDays"]?.integerValue, days >= 0, days <= 100_000 else {
                throw PolicyError("\(path).maxDays must be a whole number of days, 0 or more")
            }
            return .notSuperseded(maxDays: Int(days))
        case "notQuarantined", "notEndOfLife":
            try PolicyError.rejectUnknown(fields, allowed: ["rule"], at: path)
            return name == "notQuarantined" ? .notQuarantined : .notEndOfLife
        default:
            throw PolicyError("\(path): unknown rule \(JSONError.quoted(given)) (known rules: \(Self.ruleNames.joined(separator: ", ")))")
        }
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
