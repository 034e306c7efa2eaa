import Foundation
import SigstoreKit
import WireFormat

/// A Sigstore bundle stored as an OCI 1.1 artifact that refers to an image (cosign
/// `specs/BUNDLE_SPEC.md`): an image manifest with `artifactType`
/// `application/vnd.dev.sigstore.bundle.v0.3+json`, the empty config, one layer holding the
/// bundle JSON, `subject` = the signed manifest, and annotations (`org.opencontainers.image.created`,
/// `dev.sigstore.bundle.content`, `dev.sigstore.bundle.predicateType`, the signer as a hint).
/// The manifest's descriptor repeats `artifactType` and the annotations, as a registry's
/// referrers API lists them.
public struct BundleReferrer: Sendable {
    /// The bundle's bytes (the layer blob).
    public let bundleBytes: [UInt8]
    /// The artifact manifest's bytes.
    public let manifestBytes: [UInt8]
    /// Its descriptor, for `index.json` or a referrers index.
    public let descriptor: OCIDescriptor
    /// The signed image it refers to.
    public let subject: OCIDescriptor

    public init(bundle: SigstoreBundle, subject: OCIDescriptor, created: Date, signer: IssuedCertificateCheck.Identity?,
                extraAnnotations: [String: String] = [:]) {
        self.subject = subject
        bundleBytes = BundleWriter.encode(bundle)
        var layer = OCIDescriptor(mediaType: OCIMediaType.sigstoreBundle, of: bundleBytes)
        layer.annotations[OCIAnnotation.title] = "\(layer.digest.algorithm)-\(layer.digest.hex).sigstore.json"
        var annotations = extraAnnotations
        annotations[OCIAnnotation.created] = RFC3339.format(Date(timeIntervalSince1970: created.timeIntervalSince1970.rounded(.down)))
        switch bundle.content {
        case .messageSignature:
            annotations[OCIAnnotation.bundleContent] = "message-signature"
        case .dsseEnvelope(let envelope):
            annotations[OCIAnnotation.bundleContent] = "dsse-envelope"
            annotations[OCIAnnotation.predicateType] = (try? InTotoStatement(parsing: envelope.payload))?.predicateType
        }
        if let signer {
            annotations[OCIAnnotation.signerIdentity] = signer.subjectAlternativeNames.first
            annotations[OCIAnnotation.signerIssuer] = signer.issuer
        } else if case .publicKey(let hint?) = bundle.verificationMaterial.signer {
            annotations[OCIAnnotation.signerIdentity] = "key:" + hint
        }
        var subjectDescriptor = OCIDescriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size)
        subjectDescriptor.artifactType = subject.artifactType
        let manifest = OCIManifest(artifactType: OCIMediaType.sigstoreBundle, config: .empty, layers: [layer],
                                   subject: subjectDescriptor, annotations: annotations)
        manifestBytes = manifest.encoded
        descriptor = OCIDescriptor(mediaType: OCIMediaType.imageManifest, of: manifestBytes,
                                   artifactType: OCIMediaType.sigstoreBundle, annotations: annotations)
    }

    /// Stores the blobs (empty config, bundles), then the referrer manifests, which the store
    /// makes findable from their subjects (a layout: one atomic `index.json` update).
    public static func attach(_ referrers: [BundleReferrer], to store: any ImageStore) async throws(ImageStoreError) {
        guard !referrers.isEmpty else { return }
        // The blobs are independent: stored concurrently (a registry's round trips overlap).
        let blobs = [(OCIDescriptor.emptyBlob, OCIDescriptor.empty)]
            + referrers.map { ($0.bundleBytes, OCIDescriptor(mediaType: OCIMediaType.sigstoreBundle, of: $0.bundleBytes)) }
        let failures = await withTaskGroup(of: ImageStoreError?.self) { group in
            for (bytes, descriptor) in blobs {
                group.addTask {
                    do throws(ImageStoreError) { try await store.putBlob(bytes, as: descriptor) } catch { return error }
                    return nil
                }
            }
            var failures: [ImageStoreError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let failure = failures.first { throw failure }
        try await store.putReferrers(referrers.map { ReferrerUpload(bytes: $0.manifestBytes, descriptor: $0.descriptor, subject: $0.subject) })
    }
}
