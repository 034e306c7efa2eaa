import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// Options shared by the `sigil log` commands. The log and its key come from, in order: the
/// explicit flags, the trust config (`--trust-config`: the signing config's transparency log and
/// the trusted root's current key for it), then the default URL and, with a warning, the key the
/// log itself serves.
struct LogOptions: ParsableArguments {
    static let defaultLogURL = "http://127.0.0.1:3000"

    @Option(help: "Base URL of the log (default: the trust config's transparency log, else \(LogOptions.defaultLogURL)).")
    var logURL: String?

    @Option(help: "PEM public key of the log to verify against. Without it (or --trust-config) the key the log serves is used (trust on first use).")
    var logKey: String?

    /// `--trust-config` or `--instance`: the log and its key.
    @OptionGroup var source: TrustSourceOptions

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    @Flag(name: .customLong("rekor-v2"),
          help: "The log is a Rekor v2 (tile-based) log at --log-url: read its checkpoint and tiles (automatic when the trust config lists that URL as a v2 log).")
    var rekorV2 = false

    func validate() throws {
        guard logKey == nil || !source.isGiven else {
            throw ValidationError("give --log-key or --trust-config/--instance, not both: the trust config already holds the log's key")
        }
    }

    /// Whether the log key is pinned by the user (a key file or a trust config) rather than fetched.
    var pinsKey: Bool { logKey != nil || source.isGiven }

    /// The log to talk to: `--log-url`, else the trust config's, else the default.
    var resolvedLogURL: String {
        get async throws {
            if let logURL { return logURL }
            guard let trust = try await loadTrust() else { return Self.defaultLogURL }
            if let url = trust.rekorURL ?? Self.currentLog(in: trust.trustedRoot, url: nil)?.baseURL { return url }
            throw CLIError("\(source.name): names no transparency log; pass --log-url")
        }
    }

    var client: LogClient {
        get async throws { LogClient(baseURL: try await resolvedLogURL) }
    }

    /// The log key to verify with: the pinned file, the trust config's, or (with a warning) the one the log serves.
    func verificationKey() async throws -> VerificationKey {
        if let logKey {
            guard let text = try? String(contentsOfFile: logKey, encoding: .utf8) else {
                throw CLIError("cannot read the log key file \(logKey)")
            }
            do { return try VerificationKey(pem: text) } catch { throw CLIError("\(logKey): \(error)") }
        }
        if let trust = try await loadTrust() {
            let url = try await resolvedLogURL
            guard let key = Self.currentLog(in: trust.trustedRoot, url: url)?.key else {
                throw CLIError("\(source.name): the trusted root holds no usable key for a transparency log valid now")
            }
            return key
        }
        Output.note("warning: verifying with the key the log itself serves; pass --log-key or --trust-config to pin it")
        return try await client.publicKey()
    }

    /// For a Rekor v2 log, the checkpoint origin: the host name (without port) of the trusted root's
    /// `baseUrl` for it, or of `--log-url` with `--rekor-v2`; nil for a Rekor v1 log. The trust
    /// config marks a v2 log by a log ID that is its C2SP checkpoint key ID, not `SHA-256(SPKI)`.
    var rekorV2Origin: String? {
        get async throws {
            if let trust = try await loadTrust(), let log = Self.currentLog(in: trust.trustedRoot, url: try await resolvedLogURL),
               let key = log.key, log.logID != key.keyID || rekorV2 {
                return log.hostname
            }
            guard rekorV2 else { return nil }
            let url = try await resolvedLogURL
            guard let host = URLComponents(string: url)?.host, !host.isEmpty else {
                throw CLIError("--log-url \(url) has no host name to take the Rekor v2 checkpoint origin from")
            }
            return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
    }

    private func loadTrust() async throws -> TrustConfiguration? {
        do { return try await source.load() } catch { throw CLIError(error.message) }
    }

    /// The transparency log the root trusts now: the one at `url` when the root lists it (compared
    /// as bytes, without trailing slashes), else the newest. After a key rotation the root lists the
    /// retired key too, with a `validFor` that has ended.
    static func currentLog(in root: TrustedRoot, url: String?, now: Date = Date()) -> TransparencyLogInstance? {
        let current = root.tlogs.filter { $0.isValid(at: now) && $0.key != nil }
            .sorted { ($0.validFor?.start ?? .distantPast) > ($1.validFor?.start ?? .distantPast) }
        func trimmed(_ text: String) -> Substring {
            var text = Substring(text)
            while text.utf8.last == UInt8(ascii: "/") { text = text.dropLast() }
            return text
        }
        if let url, let match = current.first(where: { trimmed($0.baseURL).utf8.elementsEqual(trimmed(url).utf8) }) { return match }
        return current.first
    }
}
