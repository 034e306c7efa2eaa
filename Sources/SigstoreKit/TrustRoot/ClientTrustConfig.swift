import WireFormat

/// Everything a client needs in one file (protobuf-specs `ClientTrustConfig`): the trusted root
/// for verification and the signing config for signing. `sigil-server init` writes it.
public struct ClientTrustConfig: Sendable, Hashable {
    public static let mediaType = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"

    public var trustedRoot: TrustedRoot
    public var signingConfig: SigningConfig

    public init(trustedRoot: TrustedRoot, signingConfig: SigningConfig) {
        self.trustedRoot = trustedRoot
        self.signingConfig = signingConfig
    }

    public init(parsing bytes: some Collection<UInt8>) throws(TrustedRootError) {
        do throws(ProtoJSONError) {
            try self.init(object: try ProtoJSONObject.document(bytes))
        } catch {
            throw TrustedRootError(error.message)
        }
    }

    /// Reads an already-parsed JSON value, for callers that looked at it first.
    public init(json: JSONValue) throws(TrustedRootError) {
        do throws(ProtoJSONError) {
            try self.init(object: try ProtoJSONObject(json, path: ""))
        } catch {
            throw TrustedRootError(error.message)
        }
    }

    init(object o: ProtoJSONObject) throws(ProtoJSONError) {
        try o.rejectUnknown(["mediaType", "trustedRoot", "signingConfig"])
        let name = try o.string("mediaType")
        guard name == Self.mediaType else { throw ProtoJSONError("unsupported mediaType \(JSONError.quoted(name))") }
        trustedRoot = try TrustedRoot(object: try o.object("trustedRoot"))
        signingConfig = try SigningConfig(object: try o.object("signingConfig"))
    }

    public var json: JSONValue {
        ["mediaType": .string(Self.mediaType), "trustedRoot": trustedRoot.json, "signingConfig": signingConfig.json]
    }

    public func encoded() -> [UInt8] { CanonicalJSON.encode(json) }
}
