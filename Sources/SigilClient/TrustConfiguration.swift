import Foundation
import SigstoreKit
import WireFormat

/// What a signer trusts and talks to: the trusted root (to check the certificate, SCT and log
/// answers before writing a bundle) and the service URLs. Read from a ClientTrustConfig
/// (`application/vnd.dev.sigstore.clienttrustconfig.v0.1+json`: `trustedRoot` + SigningConfig
/// v0.2, the `trust_config.json` that `sigil-server init` writes and sigstore-python reads) or
/// from a bare `trusted_root.json`, whose service URLs then come from flags.
public struct TrustConfiguration: Sendable {
    public var trustedRoot: TrustedRoot
    /// Fulcio v2 API base URL.
    public var caURL: String?
    /// Rekor v1 API base URL.
    public var rekorURL: String?
    /// OIDC issuer URL (informational: tokens come from `IdentityTokenSource`).
    public var oidcURL: String?
    /// Rekor v2 log base URL (`rekorTlogUrls` with major API version 2), for `--rekor-version 2`.
    public var rekorV2URL: String?
    /// Full RFC 3161 endpoint of the timestamp authority (`tsaUrls`), used with Rekor v2.
    public var tsaURL: String?
    /// The Rekor API version sigstore clients sign with under this signing config (the highest
    /// offered of 1 and 2); 1 for a bare trusted root.
    public var selectedRekorVersion = 1

    public init(trustedRoot: TrustedRoot, caURL: String? = nil, rekorURL: String? = nil, oidcURL: String? = nil) {
        self.trustedRoot = trustedRoot
        self.caURL = caURL
        self.rekorURL = rekorURL
        self.oidcURL = oidcURL
    }

    /// Parses a ClientTrustConfig (SigstoreKit's strict model) or a trusted root, told apart by
    /// `mediaType`. Services are chosen as sigstore clients do (`SigningConfig.select`): Rekor and
    /// Fulcio API version 1, valid at `now`, the newest first.
    public init(parsing bytes: [UInt8], now: Date = Date()) throws(TrustConfigError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw TrustConfigError("not valid JSON: \(error)") }
        guard json["mediaType"]?.stringValue == ClientTrustConfig.mediaType else {
            do { self.init(trustedRoot: try TrustedRoot(json: json)) } catch { throw TrustConfigError(error.message) }
            return
        }
        let config: ClientTrustConfig
        do { config = try ClientTrustConfig(json: json) } catch { throw TrustConfigError(error.message) }
        let signing = config.signingConfig
        self.init(trustedRoot: config.trustedRoot,
                  caURL: SigningConfig.select(signing.caURLs, supportedVersions: [1], at: now).first?.url,
                  rekorURL: SigningConfig.select(signing.rekorTlogURLs, supportedVersions: [1], at: now).first?.url,
                  oidcURL: SigningConfig.select(signing.oidcURLs, supportedVersions: [1], at: now).first?.url)
        rekorV2URL = SigningConfig.select(signing.rekorTlogURLs, supportedVersions: [2], at: now).first?.url
        selectedRekorVersion = SigningConfig.select(signing.rekorTlogURLs, supportedVersions: [1, 2], at: now).first?.majorAPIVersion ?? 1
        tsaURL = SigningConfig.select(signing.tsaURLs, supportedVersions: [1], at: now).first?.url
    }

    /// Reads `path`, naming it in errors.
    public static func load(path: String, now: Date = Date()) throws(TrustConfigError) -> TrustConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrustConfigError("\(path): cannot read the file") }
        do { return try TrustConfiguration(parsing: Array(data), now: now) } catch {
            throw TrustConfigError("\(path): \(error.message)")
        }
    }
}

/// Why a trust configuration could not be used; the message names the file and field.
public struct TrustConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid trust configuration: \(message)" }
}
