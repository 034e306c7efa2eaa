import CertificateAuthority
import Foundation
import SigstoreKit
import TimestampAuthority
import TransparencyLog

/// The trust files `init` writes, exactly as strict as the real sigstore client requires: trusted
/// root media type v0.1, signing config v0.2, every service with an operator and a `validFor` whose
/// start is a little in the past.
struct TrustFiles {
    let trustedRoot: TrustedRoot
    let signingConfig: SigningConfig

    static let `operator` = "sigil.local"

    /// Where the Rekor v2 log is and how clients name it: base URL = the log server's URL plus
    /// `RekorV2Log.basePath`; checkpoint origin = that URL's host name without port; log ID = the
    /// full C2SP key ID `SHA-256(origin || 0x0A || 0x01 || Ed25519 public key)`.
    struct RekorV2Endpoint {
        let baseURL: String
        let origin: String
        let key: VerificationKey

        init(logURL: String, key: VerificationKey) throws {
            var base = Substring(logURL)
            while base.utf8.last == UInt8(ascii: "/") { base = base.dropLast() }
            baseURL = String(base) + RekorV2Log.basePath
            guard let origin = RekorV2Log.origin(forBaseURL: baseURL) else {
                throw ServerError("the log URL \(logURL) has no host name to name the Rekor v2 log's checkpoints")
            }
            self.origin = origin
            self.key = key
        }

        var keyID: NoteKeyID { NoteKeyID(rekorV2Origin: origin, key: key) }

        func instance(validFor: TimeRange) -> TransparencyLogInstance {
            TransparencyLogInstance(baseURL: baseURL, key: key, keyDetails: "PKIX_ED25519", validFor: validFor,
                                    logID: keyID.bytes, operator: TrustFiles.operator)
        }
    }

    init(endpoints: Initialiser.Endpoints, logKey: VerificationKey, ctKey: VerificationKey, rekorV2: RekorV2Endpoint? = nil,
         ca: CAKeyMaterial, tsa: TSAKeyMaterial, profile: CertificateProfile, now: Date = Date()) {
        let start = TimeRange(start: Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 60).rounded(.down)))
        trustedRoot = TrustedRoot(
            tlogs: [TransparencyLogInstance(baseURL: endpoints.log, key: logKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                            validFor: start)] + (rekorV2.map { [$0.instance(validFor: start)] } ?? []),
            certificateAuthorities: [
                TrustedCertificateAuthority(
                    subject: .init(organization: profile.intermediate.organization, commonName: profile.intermediate.commonName),
                    uri: endpoints.ca, certificates: [ca.intermediate, ca.root], validFor: start),
            ],
            // The CT log's base URL is the origin its RFC 6962 paths hang off (`<baseUrl>/ct/v1/get-sth`),
            // the same server as the transparency log; `…/ct` would send monitors to `/ct/ct/v1/…`.
            ctlogs: [TransparencyLogInstance(baseURL: endpoints.log, key: ctKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                             validFor: start)],
            timestampAuthorities: [Self.timestampAuthority(tsa, endpoints: endpoints, validFor: start)])
        // Both logs are listed under one operator: sigstore clients keep, per operator, the service
        // with the highest major API version they support, so sigstore-python 4.5.1 (Rekor 1 and 2)
        // signs through the v2 log and, because the v2 log carries no signed time, the TSA; a client
        // that speaks only Rekor v1 (or is told `--rekor-version 1`) still finds the v1 log.
        func service(_ url: String, version: Int = 1) -> SigningConfig.Service {
            SigningConfig.Service(url: url, majorAPIVersion: version, validFor: start, operator: Self.operator)
        }
        signingConfig = SigningConfig(caURLs: [service(endpoints.ca)], oidcURLs: [service(endpoints.oidc)],
                                      rekorTlogURLs: [service(endpoints.log)] + (rekorV2.map { [service($0.baseURL, version: 2)] } ?? []),
                                      tsaURLs: [service(Self.timestampURL(endpoints.tsa))], rekorTlogConfig: .any, tsaConfig: .any)
    }

    /// The trusted root's entry for a TSA chain: leaf first, the endpoint clients post to as `uri`.
    static func timestampAuthority(_ tsa: TSAKeyMaterial, endpoints: Initialiser.Endpoints, validFor: TimeRange) -> TrustedCertificateAuthority {
        TrustedCertificateAuthority(
            subject: .init(organization: TSAKeyMaterial.organization, commonName: TSAKeyMaterial.leafCommonName),
            uri: timestampURL(endpoints.tsa), certificates: tsa.chain, validFor: validFor)
    }

    /// The endpoint under a TSA base URL.
    static func timestampURL(_ base: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v1/timestamp"
    }
}
