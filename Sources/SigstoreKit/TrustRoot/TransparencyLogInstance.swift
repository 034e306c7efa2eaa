import Foundation
import WireFormat

/// A transparency log (Rekor, or a CT log) in a trusted root: its key, the window in which that
/// key is trusted, and the IDs entries and checkpoints use to name it (protobuf-specs
/// `TransparencyLogInstance`).
public struct TransparencyLogInstance: Sendable, Hashable {
    /// e.g. `https://rekor.sigstore.dev`; its hostname names Rekor v2 checkpoint signatures.
    public var baseURL: String
    public var hashAlgorithm: HashAlgorithm
    /// The DER SubjectPublicKeyInfo, exactly as the root holds it.
    public let publicKeyBytes: [UInt8]
    /// protobuf-specs `PublicKeyDetails` name, e.g. `PKIX_ECDSA_P256_SHA_256`.
    public var keyDetails: String
    /// When the key may be used; nil when the root gives no window.
    public var validFor: TimeRange?
    /// Rekor v1 / CT: SHA-256 of the SPKI. Rekor v2: the 32-byte C2SP checkpoint key ID.
    public var logID: [UInt8]
    /// The C2SP signed-note key ID, when the root gives one.
    public var checkpointKeyID: [UInt8]?
    public var `operator`: String?
    /// The parsed key, nil when its type is not supported (such a log can never verify anything).
    public let key: VerificationKey?

    public init(baseURL: String, hashAlgorithm: HashAlgorithm = .sha256, key: VerificationKey, keyDetails: String,
                validFor: TimeRange?, logID: [UInt8]? = nil, checkpointKeyID: [UInt8]? = nil, operator: String? = nil) {
        self.baseURL = baseURL
        self.hashAlgorithm = hashAlgorithm
        self.publicKeyBytes = key.spkiDER
        self.keyDetails = keyDetails
        self.validFor = validFor
        self.logID = logID ?? key.keyID
        self.checkpointKeyID = checkpointKeyID
        self.operator = `operator`
        self.key = key
    }

    /// The hostname of `baseURL`: the scheme, any user info, port and path removed, and an IPv6
    /// literal without its brackets (Go's `url.URL.Hostname()`, which sigstore-go uses). Rekor v2
    /// signs checkpoints under it: `http://localhost:3003/x` gives `localhost`.
    public var hostname: String {
        var rest = Substring(baseURL)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.first == "[", let close = rest.firstIndex(of: "]") { return String(rest[rest.index(after: rest.startIndex)..<close]) }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        return String(rest)
    }

    /// Whether the key was trusted at `date` (closed interval; no window means always).
    public func isValid(at date: Date) -> Bool { validFor?.contains(date) ?? true }

    init(_ object: ProtoJSONObject) throws(ProtoJSONError) {
        try object.rejectUnknown(["baseUrl", "hashAlgorithm", "publicKey", "logId", "checkpointKeyId", "operator"])
        baseURL = try object.string("baseUrl")
        let hashName = try object.string("hashAlgorithm")
        guard let hash = HashAlgorithm(protobufName: hashName) else {
            throw ProtoJSONError("\(object.fieldPath("hashAlgorithm")) \(JSONError.quoted(hashName)) is not supported")
        }
        hashAlgorithm = hash
        let keyObject = try object.object("publicKey")
        try keyObject.rejectUnknown(["rawBytes", "keyDetails", "validFor"])
        publicKeyBytes = try keyObject.nonEmptyBytes("rawBytes")
        keyDetails = try keyObject.string("keyDetails")
        validFor = try keyObject.optionalObject("validFor").map { (o) throws(ProtoJSONError) in try TimeRange(o) }
        let logIDObject = try object.object("logId")
        try logIDObject.rejectUnknown(["keyId"])
        logID = try logIDObject.nonEmptyBytes("keyId")
        if let checkpoint = try object.optionalObject("checkpointKeyId") {
            try checkpoint.rejectUnknown(["keyId"])
            checkpointKeyID = try checkpoint.nonEmptyBytes("keyId")
        } else {
            checkpointKeyID = nil
        }
        `operator` = try object.optionalString("operator")
        key = try? VerificationKey(spkiDER: publicKeyBytes)
    }

    var json: JSONValue {
        var publicKey: [String: JSONValue] = ["rawBytes": .string(StrictBase64.encode(publicKeyBytes)), "keyDetails": .string(keyDetails)]
        if let validFor { publicKey["validFor"] = validFor.json }
        var members: [String: JSONValue] = [
            "baseUrl": .string(baseURL), "hashAlgorithm": .string(hashAlgorithm.protobufName),
            "publicKey": .object(publicKey), "logId": ["keyId": .string(StrictBase64.encode(logID))],
        ]
        if let checkpointKeyID { members["checkpointKeyId"] = ["keyId": .string(StrictBase64.encode(checkpointKeyID))] }
        if let `operator` { members["operator"] = .string(`operator`) }
        return .object(members)
    }
}
