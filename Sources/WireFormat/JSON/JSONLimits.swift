/// Resource limits the JSON parser enforces. Overall size is the caller's business (the server
/// limits request bodies before parsing); these bound what the size alone does not.
public struct JSONLimits: Sendable, Equatable {
    /// The deepest nesting of arrays and objects accepted: a top-level `[]` is depth 1.
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        precondition(maxDepth >= 1, "JSONLimits: maxDepth must be at least 1")
        self.maxDepth = maxDepth
    }

    /// 64 levels of nesting, far beyond anything Sigstore formats use.
    public static let `default` = JSONLimits()
}
