import SigstoreKit
import WireFormat

/// The CA's issuer list (`issuers.json`, see ca/README.md) as `init` copies it into a data folder.
enum IssuerList {
    /// The checked-in list trusts the development issuer at its default URL; when this folder's
    /// issuer lives elsewhere, the copy trusts it (and its Actions emulation under `/actions`)
    /// there instead. Every other entry, and every other member, is kept as it is. URLs are
    /// compared as bytes.
    static func retargeted(_ issuers: JSONValue, developmentIssuer standard: String, to actual: String) -> JSONValue {
        guard !standard.isExactly(actual), case .object(var members) = issuers,
              let listed = issuers["oidc-issuers"]?.objectValue else { return issuers }
        var moved: [String: JSONValue] = [:]
        for (url, entry) in listed {
            if url.isExactly(standard) {
                moved[actual] = entry
            } else if url.isExactly(standard + "/actions") {
                moved[actual + "/actions"] = entry
            } else {
                moved[url] = entry
            }
        }
        members["oidc-issuers"] = .object(moved)
        return .object(members)
    }
}
