/// The bundle format versions (protobuf-specs `sigstore_bundle.proto`), each with the media type
/// strings that name it.
public enum BundleMediaType: String, Sendable, Hashable, CaseIterable {
    case v0_1 = "application/vnd.dev.sigstore.bundle+json;version=0.1"
    case v0_2 = "application/vnd.dev.sigstore.bundle+json;version=0.2"
    case v0_3 = "application/vnd.dev.sigstore.bundle.v0.3+json"

    /// The older spelling of v0.3, still accepted on input.
    static let legacyV0_3 = "application/vnd.dev.sigstore.bundle+json;version=0.3"

    /// Accepts every spelling clients must accept; anything else (e.g. `version=99.9`) is nil.
    public init?(mediaType: String) {
        if mediaType == Self.legacyV0_3 { self = .v0_3 } else { self.init(rawValue: mediaType) }
    }
}
