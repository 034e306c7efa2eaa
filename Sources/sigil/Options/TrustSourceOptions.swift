import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// Where a command's trust comes from: a trust file (`--trust-config`), or an instance's TUF
/// repository (`--instance URL`, bootstrapped once with `sigil trust-instance`), refreshed through
/// the TUF client workflow or, `--offline`, read from the verified cache.
struct TrustSourceOptions: ParsableArguments {
    @Option(help: "ClientTrustConfig JSON, or a trusted root (default .sigil/trust_config.json).")
    var trustConfig: String?

    @Option(help: ArgumentHelp("TUF repository of the instance to trust (after `sigil trust-instance URL root.json`), e.g. http://127.0.0.1:3000/tuf.",
                               valueName: "url"))
    var instance: String?

    @Flag(help: "With --instance: use the cached, verified trust without contacting the repository.")
    var offline = false

    func validate() throws {
        guard instance == nil || trustConfig == nil else { throw ValidationError("give --trust-config or --instance, not both") }
        guard !offline || instance != nil else { throw ValidationError("--offline applies to --instance") }
    }

    /// Whether the user named a trust source.
    var isGiven: Bool { trustConfig != nil || instance != nil }

    /// What to call the source in messages.
    var name: String { instance.map { "instance \($0)" } ?? trustConfig ?? SigningSetup.defaultTrustConfig }

    /// The trust, or nil when neither flag was given and `defaultPath` is nil or does not exist.
    func load(defaultPath: String? = nil) async throws(TrustConfigError) -> TrustConfiguration? {
        if let instance { return try await TrustSources.shared.instance(instance, offline: offline) }
        guard let path = trustConfig ?? defaultPath.flatMap({ FileManager.default.fileExists(atPath: $0) ? $0 : nil }) else { return nil }
        return try TrustSources.shared.file(path)
    }
}

/// Trust loaded once per process: commands consult it several times (log URL, key, origin), and
/// an instance must not be refreshed over the network each time.
final class TrustSources: @unchecked Sendable {
    static let shared = TrustSources()
    private let lock = NSLock()
    private var loaded: [String: TrustConfiguration] = [:]

    private func remembered(_ key: String) -> TrustConfiguration? { lock.withLock { loaded[key] } }
    private func remember(_ key: String, _ trust: TrustConfiguration) { lock.withLock { loaded[key] = trust } }

    func file(_ path: String) throws(TrustConfigError) -> TrustConfiguration {
        if let trust = remembered("file:" + path) { return trust }
        let trust = try TrustConfiguration.load(path: path)
        remember("file:" + path, trust)
        return trust
    }

    func instance(_ url: String, offline: Bool) async throws(TrustConfigError) -> TrustConfiguration {
        let key = "instance:" + InstanceTrust.normalised(url)
        if let trust = remembered(key) { return trust }
        let bytes: [UInt8]
        do {
            let loaded = try await InstanceTrust.load(instance: url, offline: offline)
            for warning in loaded.warnings { Output.note("warning: \(warning)") }
            bytes = loaded.config
        } catch {
            let hint = error.kind == .unavailable ? " (--offline uses the copy verified last time)" : ""
            throw TrustConfigError("TUF: \(error.message)\(hint)")
        }
        let trust: TrustConfiguration
        do { trust = try TrustConfiguration(parsing: bytes) } catch { throw TrustConfigError("\(url): \(error.message)") }
        remember(key, trust)
        return trust
    }
}
