import Foundation
import SigstoreKit
import WireFormat

/// The trust of an instance distributed through TUF, as the rest of the client uses it: the
/// verified `trusted_root.json` and `signing_config.v0.2.json` combined into a ClientTrustConfig.
public enum InstanceTrust {
    /// The instance URL as caches and fetches use it: without trailing slashes.
    public static func normalised(_ instance: String) -> String {
        var url = Substring(instance)
        while url.utf8.last == UInt8(ascii: "/") { url = url.dropLast() }
        return String(url)
    }

    /// The updater for `instance` with the default cache location; refuses anything but an
    /// http(s) URL with a host, which also keeps the cache folder's name inside the cache.
    public static func updater(instance: String, cacheBase: URL = TUFCache.defaultBase()) throws(TUFError) -> TUFUpdater {
        let url = normalised(instance)
        guard url.hasExactPrefix("https://") || url.hasExactPrefix("http://"),
              let host = URLComponents(string: url)?.host, !host.isEmpty else {
            throw TUFError(.malformed, "\(instance) is not an http(s) URL of a TUF repository (e.g. http://127.0.0.1:3000/tuf)")
        }
        return TUFUpdater(cache: TUFCache(instance: url, base: cacheBase), fetcher: HTTPTUFFetcher(instance: url))
    }

    /// Refreshes (or, `offline`, reads the cached copy) and returns the ClientTrustConfig bytes,
    /// with any warning for the user.
    public static func load(instance: String, offline: Bool,
                            cacheBase: URL = TUFCache.defaultBase()) async throws(TUFError) -> (config: [UInt8], warnings: [String]) {
        let updater = try updater(instance: instance, cacheBase: cacheBase)
        let targets = offline ? try updater.offline() : try await updater.refresh()
        return (try combine(targets, instance: updater.cache.instance), targets.warnings)
    }

    /// The two targets as one ClientTrustConfig, refusing either if it is not what its name says.
    public static func combine(_ targets: TUFUpdater.Targets, instance: String) throws(TUFError) -> [UInt8] {
        let root: TrustedRoot
        let signing: SigningConfig
        do { root = try TrustedRoot(parsing: targets.trustedRoot) } catch {
            throw TUFError(.malformed, "\(instance): the target trusted_root.json is not a trusted root: \(error)")
        }
        do { signing = try SigningConfig(parsing: targets.signingConfig) } catch {
            throw TUFError(.malformed, "\(instance): the target signing_config.v0.2.json is not a v0.2 signing config: \(error)")
        }
        return ClientTrustConfig(trustedRoot: root, signingConfig: signing).encoded()
    }
}
