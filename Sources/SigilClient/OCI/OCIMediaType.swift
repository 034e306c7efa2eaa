import WireFormat

/// Media types of the OCI image spec and of Sigstore bundles stored as OCI artifacts.
public enum OCIMediaType {
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    /// Docker's schema 2 types, which layouts copied from Docker registries may keep.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// The empty descriptor's media type (`manifest.md` §Guidance for an Empty Descriptor).
    public static let empty = "application/vnd.oci.empty.v1+json"
    /// A Sigstore bundle v0.3, as cosign's bundle spec stores it (`specs/BUNDLE_SPEC.md`).
    public static let sigstoreBundle = "application/vnd.dev.sigstore.bundle.v0.3+json"

    static func isManifest(_ type: String) -> Bool { type.isExactly(imageManifest) || type.isExactly(dockerManifest) }
    static func isIndex(_ type: String) -> Bool { type.isExactly(imageIndex) || type.isExactly(dockerManifestList) }
}

/// Annotation keys Sigil writes on referrer manifests and their `index.json` descriptors.
public enum OCIAnnotation {
    /// OCI pre-defined: creation time, RFC 3339.
    public static let created = "org.opencontainers.image.created"
    /// OCI pre-defined: the tag of a manifest in a layout's `index.json`.
    public static let refName = "org.opencontainers.image.ref.name"
    /// OCI pre-defined: a file name for a layer (cosign: `sha256-<hex>.sigstore.json`).
    public static let title = "org.opencontainers.image.title"
    /// cosign bundle spec: `message-signature` or `dsse-envelope`.
    public static let bundleContent = "dev.sigstore.bundle.content"
    /// cosign bundle spec: the in-toto predicate type of a DSSE bundle.
    public static let predicateType = "dev.sigstore.bundle.predicateType"
    /// Sigil: who signed (certificate SAN, or `key:<key id>`), a hint for people; never trusted.
    public static let signerIdentity = "dev.sigil.signer.identity"
    /// Sigil: the signer's OIDC issuer, a hint for people.
    public static let signerIssuer = "dev.sigil.signer.issuer"
    /// Sigil: the lifecycle status an attestation records (also signed inside it).
    public static let lifecycleStatus = "dev.sigil.lifecycle.status"
    public static let lifecycleSupersededBy = "dev.sigil.lifecycle.superseded-by"
    public static let lifecycleEndOfLife = "dev.sigil.lifecycle.end-of-life"
    public static let lifecycleReason = "dev.sigil.lifecycle.reason"
}
