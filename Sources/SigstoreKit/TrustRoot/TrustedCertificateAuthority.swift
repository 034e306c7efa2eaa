import Foundation
import SwiftASN1
import WireFormat
import X509

/// A certificate authority or timestamp authority in a trusted root (protobuf-specs
/// `CertificateAuthority`): its chain, leaf first with the trust anchor last, and the window in
/// which it is trusted. Named apart from the message it reads (whose JSON field names it keeps) so
/// that it does not collide with Sigil's `CertificateAuthority` module, the CA server.
public struct TrustedCertificateAuthority: Sendable, Hashable {
    /// The `subject` the root names the authority by (informational).
    public struct Subject: Sendable, Hashable {
        public var organization: String
        public var commonName: String
        public init(organization: String, commonName: String) {
            self.organization = organization
            self.commonName = commonName
        }
    }

    public var subject: Subject?
    public var uri: String?
    /// Leaf (Fulcio intermediate, or TSA signing cert) first, anchor last; never empty.
    public var certificates: [Certificate]
    public var validFor: TimeRange?
    public var `operator`: String?

    public init(subject: Subject?, uri: String?, certificates: [Certificate], validFor: TimeRange?, operator: String? = nil) {
        self.subject = subject
        self.uri = uri
        self.certificates = certificates
        self.validFor = validFor
        self.operator = `operator`
    }

    /// Whether the authority was trusted at `date` (closed interval; no window means always).
    public func isValid(at date: Date) -> Bool { validFor?.contains(date) ?? true }

    init(_ object: ProtoJSONObject) throws(ProtoJSONError) {
        try object.rejectUnknown(["subject", "uri", "certChain", "validFor", "operator"])
        if let subjectObject = try object.optionalObject("subject") {
            try subjectObject.rejectUnknown(["organization", "commonName"])
            subject = Subject(organization: try subjectObject.optionalString("organization") ?? "",
                              commonName: try subjectObject.optionalString("commonName") ?? "")
        } else {
            subject = nil
        }
        uri = try object.optionalString("uri")
        let chain = try object.object("certChain")
        try chain.rejectUnknown(["certificates"])
        certificates = try TrustedCertificateAuthority.readCertificates(chain, "certificates")
        guard !certificates.isEmpty else { throw ProtoJSONError("\(chain.fieldPath("certificates")) is empty") }
        validFor = try object.optionalObject("validFor").map { (o) throws(ProtoJSONError) in try TimeRange(o) }
        `operator` = try object.optionalString("operator")
    }

    /// Reads `[{"rawBytes": <base64 DER>}]`.
    static func readCertificates(_ object: ProtoJSONObject, _ key: String) throws(ProtoJSONError) -> [Certificate] {
        var result: [Certificate] = []
        for entry in try object.objects(key) {
            try entry.rejectUnknown(["rawBytes"])
            let der = try entry.nonEmptyBytes("rawBytes")
            do { result.append(try Certificate(derEncoded: der)) } catch {
                throw ProtoJSONError("\(entry.fieldPath("rawBytes")) is not a DER X.509 certificate")
            }
        }
        return result
    }

    static func certificateJSON(_ certificate: Certificate) -> JSONValue {
        var serializer = DER.Serializer()
        // A Certificate we hold always re-serializes: it was parsed from or built as DER.
        try! serializer.serialize(certificate)
        return ["rawBytes": .string(StrictBase64.encode(serializer.serializedBytes))]
    }

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "certChain": ["certificates": .array(certificates.map(TrustedCertificateAuthority.certificateJSON))],
        ]
        if let subject { members["subject"] = ["organization": .string(subject.organization), "commonName": .string(subject.commonName)] }
        if let uri { members["uri"] = .string(uri) }
        if let validFor { members["validFor"] = validFor.json }
        if let `operator` { members["operator"] = .string(`operator`) }
        return .object(members)
    }
}
