import WireFormat
import X509

/// How a bundle names its signer, and the log entries and timestamps that vouch for the signature
/// (protobuf-specs `VerificationMaterial`).
public struct VerificationMaterial: Sendable, Equatable {
    /// The signer: exactly one of the three protobuf `content` forms.
    public enum Signer: Sendable, Equatable {
        /// v0.1/v0.2 keyless: leaf first, never empty.
        case certificateChain([Certificate])
        /// v0.3 keyless: the leaf alone.
        case certificate(Certificate)
        /// A managed key, named only by a hint; the verifier supplies the key.
        case publicKey(hint: String?)

        /// The leaf certificate, for keyless bundles.
        public var leafCertificate: Certificate? {
            switch self {
            case .certificateChain(let chain): chain.first
            case .certificate(let leaf): leaf
            case .publicKey: nil
            }
        }
    }

    public var signer: Signer
    public var tlogEntries: [BundleLogEntry]
    /// DER `TimeStampResp` values (RFC 3161).
    public var rfc3161Timestamps: [[UInt8]]

    public init(signer: Signer, tlogEntries: [BundleLogEntry], rfc3161Timestamps: [[UInt8]] = []) {
        self.signer = signer
        self.tlogEntries = tlogEntries
        self.rfc3161Timestamps = rfc3161Timestamps
    }

    init(_ o: ProtoJSONObject) throws(ProtoJSONError) {
        try o.rejectUnknown(["publicKey", "x509CertificateChain", "certificate", "tlogEntries", "timestampVerificationData"])
        let forms = ["publicKey", "x509CertificateChain", "certificate"].filter(o.has)
        guard forms.count == 1 else {
            throw ProtoJSONError(forms.isEmpty ? "\(o.path) has no publicKey, x509CertificateChain or certificate"
                                              : "\(o.path) has more than one of publicKey, x509CertificateChain, certificate")
        }
        switch forms[0] {
        case "publicKey":
            let key = try o.object("publicKey")
            try key.rejectUnknown(["hint"])
            signer = .publicKey(hint: try key.optionalString("hint"))
        case "certificate":
            signer = .certificate(try Self.certificate(try o.object("certificate")))
        default:
            let chain = try o.object("x509CertificateChain")
            try chain.rejectUnknown(["certificates"])
            var certificates: [Certificate] = []
            for entry in try chain.objects("certificates") { certificates.append(try Self.certificate(entry)) }
            guard !certificates.isEmpty else { throw ProtoJSONError("\(chain.fieldPath("certificates")) is empty") }
            signer = .certificateChain(certificates)
        }
        tlogEntries = try o.objects("tlogEntries").map { (e) throws(ProtoJSONError) in try BundleLogEntry(e) }
        var timestamps: [[UInt8]] = []
        if let data = try o.optionalObject("timestampVerificationData") {
            try data.rejectUnknown(["rfc3161Timestamps"])
            for entry in try data.objects("rfc3161Timestamps") {
                try entry.rejectUnknown(["signedTimestamp"])
                timestamps.append(try entry.nonEmptyBytes("signedTimestamp"))
            }
        }
        rfc3161Timestamps = timestamps
    }

    private static func certificate(_ o: ProtoJSONObject) throws(ProtoJSONError) -> Certificate {
        try o.rejectUnknown(["rawBytes"])
        let der = try o.nonEmptyBytes("rawBytes")
        do { return try Certificate(derEncoded: der) } catch {
            throw ProtoJSONError("\(o.fieldPath("rawBytes")) is not a DER X.509 certificate")
        }
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["tlogEntries": .array(tlogEntries.map(\.json))]
        switch signer {
        case .certificateChain(let chain):
            members["x509CertificateChain"] = ["certificates": .array(chain.map(TrustedCertificateAuthority.certificateJSON))]
        case .certificate(let leaf):
            members["certificate"] = TrustedCertificateAuthority.certificateJSON(leaf)
        case .publicKey(let hint):
            members["publicKey"] = .object(hint.map { ["hint": .string($0)] } ?? [:])
        }
        if !rfc3161Timestamps.isEmpty {
            members["timestampVerificationData"] = ["rfc3161Timestamps": .array(rfc3161Timestamps.map {
                ["signedTimestamp": .string(StrictBase64.encode($0))]
            })]
        }
        return .object(members)
    }
}
