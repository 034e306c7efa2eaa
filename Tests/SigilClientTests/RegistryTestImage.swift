import SigilClient
import WireFormat

/// A one-layer image and Sigstore-bundle referrers of it, built in code for the registry tests.
struct RegistryTestImage {
    let config: [UInt8]
    let layer: [UInt8]
    let manifest: [UInt8]

    var configDescriptor: OCIDescriptor { OCIDescriptor(mediaType: "application/vnd.oci.image.config.v1+json", of: config) }
    var layerDescriptor: OCIDescriptor { OCIDescriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", of: layer) }
    var descriptor: OCIDescriptor { OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: manifest) }

    /// An image whose layer is `layer`; its manifest carries `annotation` (a value tests can find
    /// in the registry's storage and alter).
    init(layer: [UInt8] = Array("layer of a test image".utf8), annotation: String = "tamper-me") {
        config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        self.layer = layer
        let config = OCIDescriptor(mediaType: "application/vnd.oci.image.config.v1+json", of: self.config)
        let layerDescriptor = OCIDescriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", of: layer)
        manifest = OCIManifest(config: config, layers: [layerDescriptor], annotations: ["test": annotation]).encoded
    }

    /// Pushes blobs, then the manifest tagged `tag`.
    func push(to store: some ImageStore, tag: String? = "v1") async throws {
        try await store.putBlob(config, as: configDescriptor)
        try await store.putBlob(layer, as: layerDescriptor)
        try await store.putManifest(manifest, as: descriptor, role: .image(tag: tag))
    }

    /// A Sigstore-bundle referrer of this image (blobs pushed to `store`), ready for `putReferrers`.
    func referrer(_ name: String, in store: some ImageStore) async throws -> ReferrerUpload {
        let bundle = Array(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","signer":"\#(name)"}"#.utf8)
        let bundleDescriptor = OCIDescriptor(mediaType: OCIMediaType.sigstoreBundle, of: bundle)
        try await store.putBlob(OCIDescriptor.emptyBlob, as: .empty)
        try await store.putBlob(bundle, as: bundleDescriptor)
        let annotations = [OCIAnnotation.bundleContent: "dsse-envelope", OCIAnnotation.signerIdentity: name]
        let manifest = OCIManifest(artifactType: OCIMediaType.sigstoreBundle, config: .empty, layers: [bundleDescriptor],
                                   subject: descriptor, annotations: annotations).encoded
        let listing = OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: manifest, artifactType: OCIMediaType.sigstoreBundle,
                                    annotations: annotations)
        return ReferrerUpload(bytes: manifest, descriptor: listing, subject: descriptor)
    }
}
