// Sigstore bundles in SigstoreKit
//
// protobuf-specs `sigstore_bundle.proto` v0.1–v0.3 in protobuf-JSON: `SigstoreBundle` (read strictly,
// written in the v0.3 form), `VerificationMaterial`, `BundleLogEntry`, `BundleContent`. Unknown
// media types and unknown fields are rejected with exact messages (`BundleError`).

import Foundation
import WireFormat

/// A Sigstore bundle: a signature plus everything needed to verify it offline. (Named so it
/// does not clash with Foundation's `Bundle`.)
public struct SigstoreBundle: Sendable, Equatable {
    public var mediaType: BundleMediaType
    public var verificationMaterial: VerificationMaterial
    public var content: BundleContent

    public init(mediaType: BundleMediaType = .v0_3, verificationMaterial: VerificationMaterial, content: BundleContent) {
        self.mediaType = mediaType
        self.verificationMaterial = verificationMaterial
        self.content = content
    }

    /// Parses a bundle JSON document. Errors: empty input, invalid JSON, an unknown media type,
    /// unknown or mistyped fields, bad base64, negative indexes, unparseable certificates.
    public init(parsing bytes: some Collection<UInt8>) throws(BundleError) {
        guard !bytes.isEmpty else { throw BundleError("the bundle is empty") }
        do throws(ProtoJSONError) {
            let top = try ProtoJSONObject.document(bytes)
            let name = try top.string("mediaType")
            guard let mediaType = BundleMediaType(mediaType: name) else {
                throw ProtoJSONError("unsupported bundle mediaType \(JSONError.quoted(name))")
            }
            self.mediaType = mediaType
            try top.rejectUnknown(["mediaType", "verificationMaterial", "messageSignature", "dsseEnvelope"])
            verificationMaterial = try VerificationMaterial(try top.object("verificationMaterial"))
            switch (top.has("messageSignature"), top.has("dsseEnvelope")) {
            case (true, false): content = try BundleContent.messageSignature(try top.object("messageSignature"))
            case (false, true): content = try BundleContent.dsse(top.members["dsseEnvelope"], path: "dsseEnvelope")
            case (true, true): throw ProtoJSONError("the bundle has both messageSignature and dsseEnvelope")
            case (false, false): throw ProtoJSONError("the bundle has neither messageSignature nor dsseEnvelope")
            }
        } catch {
            throw BundleError(error.message)
        }
    }

    /// The protobuf-JSON form.
    public var json: JSONValue {
        let (key, value) = content.member
        return ["mediaType": .string(mediaType.rawValue), "verificationMaterial": verificationMaterial.json, key: value]
    }

    /// UTF-8 JSON text of `json` (compact, members sorted).
    public func encoded() -> [UInt8] { CanonicalJSON.encode(json) }
}
