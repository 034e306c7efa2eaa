// CertificateAuthority: Fulcio's job (DESIGN.md §5, sigstore-spec.md §A).
//
// A request carries an OIDC identity token and a key proof. `TokenValidator` checks the token
// against a configured issuer's JWKS; `IssuedIdentity` maps its claims to the SAN and Fulcio OID
// extensions; `KeyPolicy` and the proof of possession establish the key; `LeafCertificateBuilder`
// makes the precertificate, a `CTLogSubmitter` logs it, and the final certificate embeds the SCT.
// `buildCARouter` exposes the Fulcio v2 JSON API. `CAKeyMaterial` creates and loads the CA's keys.
import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// Issues Fulcio-profile signing certificates. Stateless apart from the JWKS cache, so any number
/// of requests run concurrently.
public struct CertificateIssuer: Sendable {
    /// Injected clock and serial source (STYLE G15) plus the optional CT key check.
    public struct Options: Sendable {
        public var profile: CertificateProfile
        public var now: @Sendable () -> Date
        public var serialNumber: @Sendable () -> Certificate.SerialNumber
        /// When set, each SCT must verify with this key before it is embedded, so a misbehaving or
        /// misconfigured CT log can't make the CA hand out certificates that clients reject.
        public var ctLogKey: VerificationKey?

        public init(profile: CertificateProfile = .init(), now: @escaping @Sendable () -> Date = { Date() },
                    serialNumber: @escaping @Sendable () -> Certificate.SerialNumber = { SerialNumbers.random() },
                    ctLogKey: VerificationKey? = nil) {
            self.profile = profile
            self.now = now
            self.serialNumber = serialNumber
            self.ctLogKey = ctLogKey
        }
    }

    public let keys: CAKeyMaterial
    public let validator: TokenValidator
    let ctLog: any CTLogSubmitter
    let metrics: IssuanceMetrics
    public let options: Options

    public init(keys: CAKeyMaterial, validator: TokenValidator, ctLog: any CTLogSubmitter, metrics: IssuanceMetrics,
                options: Options = .init()) {
        self.keys = keys
        self.validator = validator
        self.ctLog = ctLog
        self.metrics = metrics
        self.options = options
    }

    /// Validates the request and returns the chain `[leaf, intermediate, root]`. Nothing is issued
    /// (or logged to CT) unless the token, the key and its proof all pass.
    public func issue(_ request: SigningCertificateRequest) async throws(IssuanceError) -> [Certificate] {
        do {
            let chain = try await issueUnrecorded(request)
            metrics.issued.increment()
            return chain
        } catch {
            metrics.record(error)
            throw error
        }
    }

    private func issueUnrecorded(_ request: SigningCertificateRequest) async throws(IssuanceError) -> [Certificate] {
        let token: VerifiedToken
        let identity: IssuedIdentity
        do {
            token = try await validator.validate(request.token)
            identity = try IssuedIdentity(token: token)
        } catch {
            throw .token(error)
        }
        let publicKey = try ProofOfPossession.verify(request.keyProof, challenge: identity.challenge,
                                                     claimName: token.issuer.challengeClaim)
        let builder: LeafCertificateBuilder
        let precertificate: Certificate
        do {
            builder = try LeafCertificateBuilder(
                keys: keys, identity: identity, publicKey: publicKey, serialNumber: options.serialNumber(),
                now: options.now(), lifetime: TimeInterval(options.profile.leafValiditySeconds))
            precertificate = try builder.precertificate()
        } catch {
            throw .signingFailed("\(error)")
        }
        let sct = try await submit(precertificate)
        do {
            let leaf = try builder.finalCertificate(embedding: SignedCertificateTimestampList([sct]))
            return [leaf, keys.intermediate, keys.root]
        } catch {
            throw .signingFailed("\(error)")
        }
    }

    private func submit(_ precertificate: Certificate) async throws(IssuanceError) -> SignedCertificateTimestamp {
        let sct: SignedCertificateTimestamp
        do {
            let chain = try [Self.der(precertificate)] + keys.issuerDERs
            sct = try await ctLog.submitPrecertificate(precertificate, chain: chain)
        } catch {
            throw .transparencyLogFailed("\(error)")
        }
        if let logKey = options.ctLogKey {
            do {
                let tbs = try PrecertificateTBS.fromPrecertificate(precertificate)
                let signed = try PrecertificateSignedData.build(for: sct, issuerSPKI: keys.intermediateSPKI, tbsCertificate: tbs)
                try sct.verify(signedData: signed, logKey: logKey)
            } catch {
                throw .transparencyLogFailed("the CT log's SCT does not verify: \(error)")
            }
        }
        return sct
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// `GET /api/v2/trustBundle`: one chain, intermediate then root.
    public func trustBundle() -> JSONValue {
        ["chains": [["certificates": [.string(keys.intermediatePEM), .string(keys.rootPEM)]]]]
    }

    /// `GET /api/v2/configuration`: the configured issuers as Fulcio lists them.
    public func configurationDocument() -> JSONValue {
        .object(["issuers": .array(validator.issuers.issuers.map { issuer in
            var entry: [String: JSONValue] = [
                issuer.match == .exact ? "issuerUrl" : "wildcardIssuerUrl": .string(issuer.url),
                "audience": .string(issuer.clientID),
                "challengeClaim": .string(issuer.challengeClaim),
                "issuerType": .string(issuer.type.rawValue),
            ]
            if let domain = issuer.subjectDomain { entry["subjectDomain"] = .string(domain) }
            if let domain = issuer.spiffeTrustDomain { entry["spiffeTrustDomain"] = .string(domain) }
            return .object(entry)
        })])
    }
}
