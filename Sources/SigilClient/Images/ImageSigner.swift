import Foundation
import SigstoreKit
import WireFormat

/// Signs and attests images in an image store (a layout or a registry). What is signed is the manifest:
/// `sign` makes a message signature over the SHA-256 of the manifest's bytes (a hashedrekord
/// whose digest is the manifest digest), `attest` an in-toto statement whose subject is the
/// manifest digest. Every payload is signed and logged first; only then are the bundles
/// written as OCI 1.1 referrers, so a failed signing leaves the store untouched.
public struct ImageSigner: Sendable {
    public let session: SigningSession
    public var now: @Sendable () -> Date = { Date() }

    public init(session: SigningSession) {
        self.session = session
    }

    /// One referrer written for one image.
    public struct Attached: Sendable {
        public let target: OCIDescriptor
        public let referrer: OCIDescriptor
        public let result: SigningResult
    }

    /// What to sign for `image`: the image itself and, with `recursive`, each manifest of an
    /// index (as `cosign sign --recursive`). Checks every blob the images need first.
    public static func targets(_ image: OCIDescriptor, in store: any ImageStore, recursive: Bool) async throws(ImageStoreError) -> [OCIDescriptor] {
        try await store.checkComplete(image)
        guard image.digest.algorithm.isExactly("sha256") else { throw .malformed("only sha256 manifests can be signed; \(image.digest) is not one") }
        guard recursive else { return [image] }
        return [image] + (try await store.children(of: image)).filter { OCIMediaType.isManifest($0.mediaType) || OCIMediaType.isIndex($0.mediaType) }
    }

    /// Signs each target's manifest digest.
    public func sign(_ targets: [OCIDescriptor], in store: any ImageStore) async throws -> [Attached] {
        var payloads: [(OCIDescriptor, SigningPayload, [String: String])] = []
        for target in targets {
            payloads.append((target, .digest(ArtifactDigest(data: try await store.fetch(target))), [:]))
        }
        return try await attach(payloads, to: store)
    }

    /// Attests each target: a statement with subject `name` and the manifest digest.
    public func attest(_ targets: [OCIDescriptor], name: String, predicateType: String, predicate: JSONValue,
                       annotations: [String: String] = [:], in store: any ImageStore) async throws -> [Attached] {
        var payloads: [(OCIDescriptor, SigningPayload, [String: String])] = []
        for target in targets {
            _ = try await store.fetch(target)
            let statement = try InTotoStatement(subjects: [.init(name: name, sha256: target.digest.bytes)],
                                                predicateType: predicateType, predicate: predicate)
            payloads.append((target, .statement(statement), annotations))
        }
        return try await attach(payloads, to: store)
    }

    private func attach(_ payloads: [(OCIDescriptor, SigningPayload, [String: String])], to store: any ImageStore) async throws -> [Attached] {
        var signed: [(OCIDescriptor, SigningResult, BundleReferrer)] = []
        for (target, payload, annotations) in payloads {
            let result = try await session.sign(payload)
            signed.append((target, result, BundleReferrer(bundle: result.bundle, subject: target, created: now(),
                                                          signer: result.identity, extraAnnotations: annotations)))
        }
        try await BundleReferrer.attach(signed.map(\.2), to: store)
        return signed.map { Attached(target: $0.0, referrer: $0.2.descriptor, result: $0.1) }
    }
}
