/// A failure talking to a Sigil or Sigstore server, or of a check the client made on its answer.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The HTTP status, when the server answered.
    public let status: Int?

    public init(_ description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}
