import Foundation

/// Why TUF metadata or a target was refused. The message names the file or role and the reason, as
/// an operator reads it ("timestamp.json expired at …", "snapshot version 3 < trusted 5"); `kind`
/// says which of the attacks TUF defends against (or which other failure) it was, for tests and
/// for callers that treat some kinds differently (a missing next root ends the root chain).
public struct TUFError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Not the JSON TUF metadata must be, or a field missing or of the wrong type.
        case malformed
        /// Too few valid signatures by the role's keys (includes keys of a type we cannot use).
        case threshold
        /// A version lower than the trusted one, or not the version that was expected.
        case version
        /// The trusted copy is past its `expires` (freeze attack).
        case expired
        /// Length or hash differs from what the referring metadata recorded (arbitrary software,
        /// mix-and-match).
        case mismatch
        /// More bytes than the limit for the file (endless data).
        case tooLarge
        /// A file the repository must have is not there.
        case missing
        /// The repository could not be reached, or answered something other than the file.
        case unavailable
        /// The local cache cannot be read or written, or belongs to another instance.
        case cache
        /// The repository's own files or keys (on the server) cannot be read or written.
        case storage
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
