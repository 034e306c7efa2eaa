import WireFormat

/// Access to one repository as Docker's token scheme names it: `repository:NAME:pull` or
/// `repository:NAME:pull,push`. A request carries the scopes it needs, so a token fetched for it
/// grants exactly that (a mount also needs `pull` on the source repository).
struct RegistryScope: Sendable, Hashable {
    let repository: String
    let push: Bool

    static func pull(_ repository: String) -> RegistryScope { RegistryScope(repository: repository, push: false) }
    static func push(_ repository: String) -> RegistryScope { RegistryScope(repository: repository, push: true) }

    /// The `scope` parameter of a token request.
    var text: String { "repository:\(repository):\(push ? "pull,push" : "pull")" }

    /// "push access to host/repo", for messages.
    func access(on registry: String) -> String { "\(push ? "push" : "pull") access to \(registry)/\(repository)" }

    /// `repository:NAME:pull[,push]` back into a scope, for messages about a token request.
    static func parse(_ text: String) -> RegistryScope? {
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual("repository".utf8) else { return nil }
        let actions = String(decoding: parts[2], as: UTF8.self)
        return RegistryScope(repository: String(decoding: parts[1], as: UTF8.self), push: actions.containsExactly("push"))
    }
}
