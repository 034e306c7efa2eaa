import Foundation
import WireFormat

/// One metadata file, `{"signatures":[{"keyid","sig"}],"signed":{…}}`, parsed but not yet trusted:
/// the common fields of `signed` read, and the canonical bytes the signatures cover computed from
/// `signed` as given, unknown fields included (the specification requires them to be kept).
public struct TUFMetadata: Sendable {
    /// One entry of `signatures`. `signature` is nil when `sig` is not hex: it then counts for nobody.
    public struct Signature: Sendable {
        public let keyID: String
        public let signature: [UInt8]?
    }

    public let role: TUFRole
    public let version: Int
    public let expires: Date
    public let signed: JSONValue
    public let signatures: [Signature]
    /// OLPC canonical JSON of `signed`: the bytes every signature is over.
    public let canonicalSigned: [UInt8]
    /// The file as received.
    public let bytes: [UInt8]

    /// The specification major version this client implements.
    public static let specificationMajorVersion = 1

    /// Parses `bytes` as metadata of `role`, refusing anything else with the file named.
    public init(parsing bytes: [UInt8], role: TUFRole, fileName: String? = nil) throws(TUFError) {
        let name = fileName ?? role.fileName
        func malformed(_ reason: String) -> TUFError { TUFError(.malformed, "\(name): \(reason)") }
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw malformed("not valid JSON (\(error))") }
        guard let signed = json["signed"], case .object = signed else { throw malformed("no \"signed\" object") }
        guard let list = json["signatures"]?.arrayValue else { throw malformed("no \"signatures\" list") }
        var signatures: [Signature] = []
        for entry in list {
            guard let keyID = entry["keyid"]?.stringValue, let sig = entry["sig"]?.stringValue else {
                throw malformed("a signature lacks keyid or sig")
            }
            // The specification makes key IDs unique among the signatures, as python-tuf enforces.
            guard !signatures.contains(where: { $0.keyID.isExactly(keyID) }) else { throw malformed("two signatures by key \(keyID)") }
            signatures.append(Signature(keyID: keyID, signature: LowercaseHex.decode(sig)))
        }
        guard let type = signed["_type"]?.stringValue else { throw malformed("signed._type is missing") }
        guard type.isExactly(role.rawValue) else { throw malformed("_type is \"\(type)\", expected \"\(role.rawValue)\"") }
        guard let spec = signed["spec_version"]?.stringValue else { throw malformed("signed.spec_version is missing") }
        let specParts = spec.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(specParts.count), specParts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(\.isASCIIDigit) }),
              Int(specParts[0]) == Self.specificationMajorVersion else {
            throw malformed("spec_version \"\(spec)\" is not a 1.x version this client implements")
        }
        guard let version = signed["version"]?.integerValue, version >= 1, version <= Int64(Int32.max) else {
            throw malformed("signed.version must be a positive integer")
        }
        guard let expiresText = signed["expires"]?.stringValue, expiresText.utf8.last == UInt8(ascii: "Z"),
              let expires = RFC3339.parse(expiresText) else {
            throw malformed("signed.expires must be a UTC time such as 2030-01-01T00:00:00Z")
        }
        let canonical: [UInt8]
        do { canonical = try OLPCCanonicalJSON.encode(signed) } catch { throw malformed(error.description) }
        self.role = role
        self.version = Int(version)
        self.expires = expires
        self.signed = signed
        self.signatures = signatures
        self.canonicalSigned = canonical
        self.bytes = bytes
    }

    /// Whether `expires` is not after `now`.
    public func isExpired(at now: Date) -> Bool { expires <= now }
}
