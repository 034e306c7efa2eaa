import Foundation
import SigstoreKit
import WireFormat

/// The CA's certificate settings (`ca/certificate-profile.json`, documented in `ca/README.md`):
/// leaf lifetime, request size limit, and the names and lifetimes `init` gives the CA certificates.
public struct CertificateProfile: Sendable, Equatable {
    /// Subject and lifetime of a CA certificate.
    public struct CASettings: Sendable, Equatable {
        public var commonName: String
        public var organization: String
        public var validityDays: Int
        public init(commonName: String, organization: String, validityDays: Int) {
            self.commonName = commonName
            self.organization = organization
            self.validityDays = validityDays
        }
    }

    /// The curve of the intermediate (issuing) key. P-256 signs several times faster than P-384,
    /// which matters because every certificate is signed twice (precertificate and final).
    public enum Curve: String, Sendable, Equatable { case p256 = "P-256", p384 = "P-384" }

    /// Leaf lifetime; Fulcio's is 10 minutes.
    public var leafValiditySeconds: Int = 600
    /// Requests larger than this answer 413. Fulcio allows 4 MiB; real requests are ~2 KB.
    public var maxRequestBytes: Int = 64 * 1024
    public var root = CASettings(commonName: "Sigil Root CA", organization: "sigil.dev", validityDays: 3650)
    public var intermediate = CASettings(commonName: "Sigil Intermediate CA", organization: "sigil.dev", validityDays: 1825)
    public var intermediateCurve: Curve = .p256

    public init() {}

    /// Reads the profile JSON. Every key is optional; unknown keys are errors.
    public init(json bytes: [UInt8]) throws(IssuerConfigurationError) {
        guard let doc = try? JSONValue(parsing: bytes), let fields = doc.objectValue else {
            throw .malformedFile("certificate profile is not a JSON object")
        }
        let known: Set = ["leaf-validity-seconds", "max-request-bytes", "root", "intermediate", "description"]
        if let unknown = fields.keys.first(where: { !known.contains($0) }) { throw .malformedFile("unknown profile key \(unknown)") }
        if let value = fields["leaf-validity-seconds"] {
            guard let seconds = value.integerValue, (60...86_400).contains(seconds) else {
                throw .malformedFile("leaf-validity-seconds must be an integer from 60 to 86400")
            }
            leafValiditySeconds = Int(seconds)
        }
        if let value = fields["max-request-bytes"] {
            guard let bytes = value.integerValue, (1024...(4 << 20)).contains(bytes) else {
                throw .malformedFile("max-request-bytes must be an integer from 1024 to 4194304")
            }
            maxRequestBytes = Int(bytes)
        }
        if let value = fields["root"] { root = try Self.settings(value, name: "root", defaults: root).settings }
        if let value = fields["intermediate"] {
            let parsed = try Self.settings(value, name: "intermediate", defaults: intermediate)
            intermediate = parsed.settings
            intermediateCurve = parsed.curve ?? intermediateCurve
        }
    }

    /// Reads the profile file at `path`.
    public init(file path: String) throws {
        try self.init(json: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    private static func settings(_ value: JSONValue, name: String, defaults: CASettings) throws(IssuerConfigurationError)
        -> (settings: CASettings, curve: Curve?)
    {
        guard let fields = value.objectValue else { throw .malformedFile("\(name) is not an object") }
        let known: Set = ["common-name", "organization", "validity-days", "curve"]
        if let unknown = fields.keys.first(where: { !known.contains($0) }) { throw .malformedFile("unknown \(name) key \(unknown)") }
        var settings = defaults
        if let cn = fields["common-name"] {
            guard let text = cn.stringValue, !text.isEmpty else { throw .malformedFile("\(name).common-name must be a string") }
            settings.commonName = text
        }
        if let o = fields["organization"] {
            guard let text = o.stringValue, !text.isEmpty else { throw .malformedFile("\(name).organization must be a string") }
            settings.organization = text
        }
        if let days = fields["validity-days"] {
            guard let n = days.integerValue, (1...36_500).contains(n) else { throw .malformedFile("\(name).validity-days out of range") }
            settings.validityDays = Int(n)
        }
        var curve: Curve?
        if let c = fields["curve"] {
            guard name == "intermediate", let text = c.stringValue, let parsed = Curve(rawValue: text) else {
                throw .malformedFile("\(name).curve must be P-256 or P-384 (intermediate only)")
            }
            curve = parsed
        }
        return (settings, curve)
    }
}
