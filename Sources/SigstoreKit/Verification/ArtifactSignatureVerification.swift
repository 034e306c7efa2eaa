import WireFormat

/// Checks the bundle's signature over the artifact (sigstore-go `signature.go`): a message
/// signature over the artifact digest, or a DSSE signature over the PAE whose in-toto statement
/// names the artifact as a subject.
enum ArtifactSignatureVerification {
    static func verify(_ content: BundleContent, artifact: VerificationPolicy.Artifact, key: VerificationKey) throws(VerificationError) {
        switch content {
        case .messageSignature(let bundleDigest, let signature):
            try verifyMessage(signature: signature, bundleDigest: bundleDigest, artifact: artifact, key: key)
        case .dsseEnvelope(let envelope):
            guard let signature = envelope.signatures.first,
                  key.isValidSignature(signature.signature, for: envelope.preAuthenticationEncoding) else {
                throw .step(.signature, "the DSSE envelope signature does not verify with the signer's key")
            }
            try verifySubject(envelope, artifact: artifact)
        }
    }

    private static func verifyMessage(signature: [UInt8], bundleDigest: (algorithm: HashAlgorithm, bytes: [UInt8])?,
                                      artifact: VerificationPolicy.Artifact, key: VerificationKey) throws(VerificationError) {
        if let bundleDigest {
            guard let actual = artifact.digest(bundleDigest.algorithm) else {
                throw .step(.signature, "the bundle's messageDigest is \(bundleDigest.algorithm.rawValue), the artifact digest is not")
            }
            guard actual == bundleDigest.bytes else {
                throw .step(.signature, "the bundle's messageDigest is not the artifact's digest")
            }
        }
        let valid: Bool
        if case .ed25519 = key.kind {
            // Ed25519 signs the message itself, so only the artifact bytes can verify it.
            guard case .bytes(let data) = artifact else {
                throw .step(.signature, "an Ed25519 signature needs the artifact itself, not its digest")
            }
            valid = key.isValidSignature(signature, for: data)
        } else {
            let algorithm = key.kind.defaultHash
            guard let digest = artifact.digest(algorithm) else {
                throw .step(.signature, "the signer's key signs \(algorithm.rawValue) digests; the artifact digest given is not one")
            }
            valid = key.isValidSignature(signature, digest: digest, algorithm: algorithm)
        }
        guard valid else { throw .step(.signature, "the signature does not verify over the artifact") }
    }

    /// The artifact must be a subject of the in-toto statement.
    private static func verifySubject(_ envelope: DSSEEnvelope, artifact: VerificationPolicy.Artifact) throws(VerificationError) {
        guard envelope.payloadType.isExactly(InTotoStatement.payloadType) else {
            throw .step(.signature, "the DSSE payload type \(JSONError.quoted(envelope.payloadType)) is not an in-toto statement")
        }
        guard let statement = try? JSONValue(parsing: envelope.payload), let subjects = statement["subject"]?.arrayValue else {
            throw .step(.signature, "the DSSE payload is not an in-toto statement with subjects")
        }
        for subject in subjects {
            guard let digests = subject["digest"]?.objectValue else { continue }
            for algorithm in HashAlgorithm.allCases {
                guard let hex = digests[algorithm.rawValue]?.stringValue, let expected = artifact.digest(algorithm) else { continue }
                if LowercaseHex.decode(hex.lowercased()) == expected { return }
            }
        }
        throw .step(.signature, "the artifact is not a subject of the in-toto statement")
    }
}
