import WireFormat

/// An in-toto Statement (in-toto/attestation spec `v1/statement.md`): the subjects an attestation
/// is about, each named and identified by digests, and a typed predicate.
///
/// JSON form: `{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": …, "digest":
/// {"sha256": <lowercase hex>}}], "predicateType": <URI>, "predicate": {…}}`. Reading is strict
/// about the envelope of the statement (type, subjects, digests) and accepts any predicate object;
/// `_type` `https://in-toto.io/Statement/v0.1` is read too, as verifiers must.
public struct InTotoStatement: Sendable, Equatable {
    /// The DSSE payload type of in-toto statements.
    public static let payloadType = "application/vnd.in-toto+json"
    /// `_type` of the statements Sigil writes.
    public static let typeV1 = "https://in-toto.io/Statement/v1"
    static let typeV01 = "https://in-toto.io/Statement/v0.1"

    /// One subject: a name and its digests (algorithm → lowercase hex).
    public struct Subject: Sendable, Equatable {
        public var name: String
        public var digest: [String: String]

        public init(name: String, digest: [String: String]) {
            self.name = name
            self.digest = digest
        }

        /// A subject identified by its SHA-256 digest.
        public init(name: String, sha256: [UInt8]) {
            self.init(name: name, digest: ["sha256": LowercaseHex.encode(sha256)])
        }
    }

    public var type: String
    public var subjects: [Subject]
    public var predicateType: String
    /// The predicate object (`.object`), or nil when the statement has none.
    public var predicate: JSONValue?

    /// A v1 statement. `predicate` must be a JSON object.
    public init(subjects: [Subject], predicateType: String, predicate: JSONValue?) throws(InTotoError) {
        try self.init(type: Self.typeV1, subjects: subjects, predicateType: predicateType, predicate: predicate)
    }

    private init(type: String, subjects: [Subject], predicateType: String, predicate: JSONValue?) throws(InTotoError) {
        guard !subjects.isEmpty else { throw InTotoError("a statement needs at least one subject") }
        for (k, subject) in subjects.enumerated() {
            guard !subject.digest.isEmpty else { throw InTotoError("subject \(k) has no digest") }
            for (algorithm, hex) in subject.digest {
                guard !algorithm.isEmpty, LowercaseHex.decode(hex) != nil, !hex.isEmpty else {
                    throw InTotoError("subject \(k) digest \(JSONError.quoted(algorithm)) is not lowercase hex")
                }
            }
        }
        guard !predicateType.isEmpty else { throw InTotoError("predicateType must be a non-empty URI") }
        if let predicate, predicate.objectValue == nil { throw InTotoError("predicate must be a JSON object") }
        self.type = type
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// Parses a statement (a DSSE payload) strictly.
    public init(parsing bytes: some Collection<UInt8>) throws(InTotoError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw InTotoError("the statement is not valid JSON: \(error)") }
        guard case .object(let members) = json else { throw InTotoError("the statement must be a JSON object") }
        if let extra = members.keys.filter({ !["_type", "subject", "predicateType", "predicate"].contains($0) }).sorted().first {
            throw InTotoError("the statement has unknown field \(JSONError.quoted(extra))")
        }
        guard let type = members["_type"]?.stringValue, type == Self.typeV1 || type == Self.typeV01 else {
            throw InTotoError("_type must be \(JSONError.quoted(Self.typeV1))")
        }
        guard let list = members["subject"]?.arrayValue else { throw InTotoError("subject must be an array") }
        var subjects: [Subject] = []
        for (k, value) in list.enumerated() {
            guard case .object(let fields) = value, let digests = fields["digest"]?.objectValue else {
                throw InTotoError("subject \(k) must be an object with a digest object")
            }
            var digest: [String: String] = [:]
            for (algorithm, hex) in digests {
                guard let text = hex.stringValue else { throw InTotoError("subject \(k) digest \(JSONError.quoted(algorithm)) must be a string") }
                digest[algorithm] = text
            }
            subjects.append(Subject(name: fields["name"]?.stringValue ?? "", digest: digest))
        }
        guard let predicateType = members["predicateType"]?.stringValue else { throw InTotoError("predicateType must be a string") }
        let predicate = members["predicate"].flatMap { $0.isNull ? nil : $0 }
        try self.init(type: type, subjects: subjects, predicateType: predicateType, predicate: predicate)
    }

    /// The JSON form.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "_type": .string(type),
            "subject": .array(subjects.map { subject in
                ["name": .string(subject.name), "digest": .object(subject.digest.mapValues { .string($0) })]
            }),
            "predicateType": .string(predicateType),
        ]
        if let predicate { members["predicate"] = predicate }
        return .object(members)
    }

    /// The payload bytes: RFC 8785 canonical JSON of `json`.
    public var encoded: [UInt8] { CanonicalJSON.encode(json) }

    /// The most subjects an entry is indexed under. A log stores only hashes of the statement, so
    /// without a bound one request (1 MiB) could add thousands of search rows.
    public static let maxIndexedSubjects = 256

    /// `sha256:<hex>` for each subject with a well-formed `digest.sha256`, lowercased, the first
    /// ``maxIndexedSubjects`` distinct ones. Payloads that are not statements give none: indexing
    /// is best-effort, validity is DSSE's business.
    static func sha256SubjectDigests(payload: [UInt8]) -> [String] {
        guard let statement = try? JSONValue(parsing: payload), let subjects = statement["subject"]?.arrayValue else { return [] }
        var digests: [String] = []
        var seen: Set<[UInt8]> = []
        for subject in subjects where digests.count < maxIndexedSubjects {
            guard let hex = subject["digest"]?["sha256"]?.stringValue?.lowercased(),
                  let bytes = LowercaseHex.decode(hex), bytes.count == 32, seen.insert(bytes).inserted
            else { continue }
            digests.append("sha256:\(hex)")
        }
        return digests
    }
}

/// Why a statement is not a well-formed in-toto Statement.
public struct InTotoError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid in-toto statement: \(message)" }
}
