import Foundation
import SigstoreKit
import WireFormat

/// Verifies the Sigstore bundles attached to an image as OCI 1.1 referrers (issue 6 §2): each
/// referrer with `artifactType` `application/vnd.dev.sigstore.bundle.v0.3+json` must hold exactly
/// one bundle layer (read with its digest verified), and the bundle must verify offline for the
/// manifest digest against the trusted root and one of the accepted signers. Annotations are
/// hints only: where they state what the signed content also states (predicate type, lifecycle
/// status), a disagreement fails the referrer.
public struct ImageVerifier: Sendable {
    public let trustedRoot: TrustedRoot

    public init(trustedRoot: TrustedRoot) {
        self.trustedRoot = trustedRoot
    }

    /// What a referrer holds, by its verified content (or by its annotations when unverified).
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        case signature
        case attestation(predicateType: String)
        case lifecycle
        /// An artifact that is not a Sigstore bundle (an SBOM pushed by another tool, say).
        case other(artifactType: String)

        public var description: String {
            switch self {
            case .signature: "signature"
            case .attestation(let type): "attestation \(type)"
            case .lifecycle: "lifecycle"
            case .other(let type): "other artifact \(type)"
            }
        }

        /// The kind `index.json` annotations claim, without verifying anything.
        public init(claimedBy descriptor: OCIDescriptor, manifest: OCIManifest) {
            guard manifest.effectiveArtifactType.isExactly(OCIMediaType.sigstoreBundle) else {
                self = .other(artifactType: manifest.effectiveArtifactType)
                return
            }
            let annotations = manifest.annotations.merging(descriptor.annotations) { first, _ in first }
            switch annotations[OCIAnnotation.predicateType] {
            case nil: self = .signature
            case LifecycleStatement.predicateType?: self = .lifecycle
            case let type?: self = .attestation(predicateType: type)
            }
        }
    }

    /// A referrer that verified.
    public struct Verified: Sendable {
        public let result: VerificationResult
        /// The in-toto statement of a DSSE bundle.
        public let statement: InTotoStatement?
        /// The lifecycle predicate of a lifecycle attestation.
        public let lifecycle: LifecycleStatement?

        /// The first verified log entry (index, and integrated time as a date).
        public var logIndex: Int64? { result.logEntries.first?.logIndex }
        ///
        /// When the signature was recorded: the log's integrated time (Rekor v1), else, for an
        /// entry that has none (Rekor v2), the earliest verified RFC 3161 timestamp.
        public var integratedTime: Date? {
            result.logEntries.compactMap(\.integratedTime).min().map { Date(timeIntervalSince1970: Double($0)) }
                ?? result.signingTimes.min()
        }

        /// `alice@example.com (issuer …)` or `key <id>`.
        public var signer: String {
            switch result.signer {
            case .certificate(let subject, let issuer): "\(subject ?? "?") (issuer \(issuer ?? "?"))"
            case .publicKey(let key): "key \(StrictBase64.encode(key.keyID))"
            }
        }
    }

    /// One referrer and what verifying it established.
    public struct Verdict: Sendable {
        public let referrer: OCIReferrer
        public let kind: Kind
        public let outcome: Result<Verified, ReferrerError>

        public var verified: Verified? { try? outcome.get() }
    }

    /// Verifies every referrer of `image`, each against `signers` (the first that verifies wins).
    public func verifyReferrers(of image: OCIDescriptor, in store: any ImageStore,
                                signers: [VerificationPolicy.Signer]) async throws(ImageStoreError) -> [Verdict] {
        var verdicts: [Verdict] = []
        for referrer in try await store.referrers(of: image.digest) {
            verdicts.append(await verify(referrer, of: image, in: store, signers: signers))
        }
        return verdicts
    }

    /// Verifies one referrer of `image`.
    public func verify(_ referrer: OCIReferrer, of image: OCIDescriptor, in store: any ImageStore,
                       signers: [VerificationPolicy.Signer]) async -> Verdict {
        let claimed = Kind(claimedBy: referrer.descriptor, manifest: referrer.manifest)
        if case .other = claimed { return Verdict(referrer: referrer, kind: claimed, outcome: .failure(ReferrerError("not a Sigstore bundle"))) }
        do throws(ReferrerError) {
            let bundle = try await bundle(of: referrer, in: store)
            let verified = try await verify(bundle, image: image, signers: signers)
            let kind = try checkClaims(of: referrer, against: verified)
            return Verdict(referrer: referrer, kind: kind, outcome: .success(verified))
        } catch {
            return Verdict(referrer: referrer, kind: claimed, outcome: .failure(error))
        }
    }

    private func bundle(of referrer: OCIReferrer, in store: any ImageStore) async throws(ReferrerError) -> SigstoreBundle {
        let layers = referrer.manifest.layers
        guard layers.count == 1, layers[0].mediaType.isExactly(OCIMediaType.sigstoreBundle) else {
            throw ReferrerError("a bundle referrer must have exactly one \(OCIMediaType.sigstoreBundle) layer")
        }
        do {
            return try SigstoreBundle(parsing: try await store.fetch(layers[0]))
        } catch {
            throw ReferrerError("\(error)")
        }
    }

    private func verify(_ bundle: SigstoreBundle, image: OCIDescriptor, signers: [VerificationPolicy.Signer]) async throws(ReferrerError) -> Verified {
        guard image.digest.algorithm.isExactly("sha256") else { throw ReferrerError("only sha256 manifests can be verified") }
        var failures: [String] = []
        for signer in signers {
            do {
                let policy = try VerificationPolicy(artifact: .digest(algorithm: .sha256, bytes: image.digest.bytes), signer: signer)
                let result = try await BundleVerifier(trustedRoot: trustedRoot).verify(bundle, policy: policy)
                guard case .dsseEnvelope(let envelope) = bundle.content else {
                    return Verified(result: result, statement: nil, lifecycle: nil)
                }
                let statement = try InTotoStatement(parsing: envelope.payload)
                let lifecycle = try statement.predicateType.isExactly(LifecycleStatement.predicateType)
                    ? LifecycleStatement(predicate: statement.predicate ?? .null) : nil
                return Verified(result: result, statement: statement, lifecycle: lifecycle)
            } catch {
                let text = "\(error)"
                if !failures.contains(text) { failures.append(text) }
            }
        }
        throw ReferrerError(failures.isEmpty ? "no accepted signer was given" : failures.joined(separator: "; "))
    }

    /// The kind the signed content shows; annotations that contradict it fail the referrer.
    private func checkClaims(of referrer: OCIReferrer, against verified: Verified) throws(ReferrerError) -> Kind {
        let annotations = referrer.manifest.annotations
        guard let statement = verified.statement else { return .signature }
        if let claimed = annotations[OCIAnnotation.predicateType], !claimed.isExactly(statement.predicateType) {
            throw ReferrerError("the annotations say predicate type \(claimed) but the signed statement is \(statement.predicateType)")
        }
        guard let lifecycle = verified.lifecycle else { return .attestation(predicateType: statement.predicateType) }
        for (key, value) in lifecycle.annotations where annotations[key] != nil && annotations[key] != value {
            throw ReferrerError("the annotation \(key)=\(annotations[key] ?? "") contradicts the signed lifecycle statement (\(value))")
        }
        return .lifecycle
    }
}

/// Why one referrer did not verify.
public struct ReferrerError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
