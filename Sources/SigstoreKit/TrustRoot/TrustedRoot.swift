// Trust roots in SigstoreKit
//
// protobuf-specs `sigstore_trustroot.proto` in its protobuf-JSON form: `TrustedRoot` (what a
// verifier trusts: Rekor logs, Fulcio CAs, CT logs, TSAs, each with a validity window),
// `SigningConfig` v0.2 (which services a signer uses) and `ClientTrustConfig` (both together).
// Parsing is strict (unknown fields rejected, JSON null read as absent); encoding writes exactly
// the form sigstore-python's strict models accept. Nothing here does I/O.

import Foundation
import WireFormat

/// The deployment a verifier trusts (protobuf-specs `TrustedRoot`).
public struct TrustedRoot: Sendable, Hashable {
    /// The media type sigstore-python requires (it rejects the v0.2 spelling).
    public static let mediaTypeV01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
    public static let mediaTypeV02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json"

    public var mediaType: String
    /// Rekor logs (SETs, checkpoints, inclusion proofs).
    public var tlogs: [TransparencyLogInstance]
    /// Fulcio CAs: trust anchors for signing certificates.
    public var certificateAuthorities: [TrustedCertificateAuthority]
    /// Certificate-transparency logs whose SCTs are accepted.
    public var ctlogs: [TransparencyLogInstance]
    /// RFC 3161 timestamp authorities.
    public var timestampAuthorities: [TrustedCertificateAuthority]

    public init(mediaType: String = TrustedRoot.mediaTypeV01, tlogs: [TransparencyLogInstance],
                certificateAuthorities: [TrustedCertificateAuthority], ctlogs: [TransparencyLogInstance] = [],
                timestampAuthorities: [TrustedCertificateAuthority] = []) {
        self.mediaType = mediaType
        self.tlogs = tlogs
        self.certificateAuthorities = certificateAuthorities
        self.ctlogs = ctlogs
        self.timestampAuthorities = timestampAuthorities
    }

    /// Parses a trusted-root JSON document.
    public init(parsing bytes: some Collection<UInt8>) throws(TrustedRootError) {
        do {
            try self.init(object: try ProtoJSONObject.document(bytes))
        } catch {
            throw TrustedRootError(error.message)
        }
    }

    /// Reads an already-parsed JSON value (e.g. the `trustedRoot` member of a client trust config).
    public init(json: JSONValue) throws(TrustedRootError) {
        do {
            try self.init(object: try ProtoJSONObject(json, path: ""))
        } catch {
            throw TrustedRootError(error.message)
        }
    }

    init(object: ProtoJSONObject) throws(ProtoJSONError) {
        try object.rejectUnknown(["mediaType", "tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities"])
        mediaType = try object.string("mediaType")
        guard mediaType == Self.mediaTypeV01 || mediaType == Self.mediaTypeV02 else {
            throw ProtoJSONError("unsupported mediaType \(JSONError.quoted(mediaType))")
        }
        tlogs = try object.objects("tlogs").map { (o) throws(ProtoJSONError) in try TransparencyLogInstance(o) }
        certificateAuthorities = try object.objects("certificateAuthorities").map { (o) throws(ProtoJSONError) in try TrustedCertificateAuthority(o) }
        ctlogs = try object.objects("ctlogs").map { (o) throws(ProtoJSONError) in try TransparencyLogInstance(o) }
        timestampAuthorities = try object.objects("timestampAuthorities").map { (o) throws(ProtoJSONError) in try TrustedCertificateAuthority(o) }
    }

    /// The protobuf-JSON form. Every list is written, even when empty (sigstore-python requires
    /// `tlogs`, `ctlogs` and `certificateAuthorities`).
    public var json: JSONValue {
        [
            "mediaType": .string(mediaType),
            "tlogs": .array(tlogs.map(\.json)),
            "certificateAuthorities": .array(certificateAuthorities.map(\.json)),
            "ctlogs": .array(ctlogs.map(\.json)),
            "timestampAuthorities": .array(timestampAuthorities.map(\.json)),
        ]
    }

    /// UTF-8 JSON text of `json` (RFC 8785 form: compact, members sorted).
    public func encoded() -> [UInt8] { CanonicalJSON.encode(json) }
}
