import WireFormat

/// A user name and password (or personal access token) for a registry. Its description and
/// reflection never show the password, so printing, dumping or interpolating options cannot leak it.
public struct RegistryCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable {
    public let username: String
    let password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `Basic base64(user:pass)` (RFC 7617).
    var basicAuthorization: String { "Basic " + StrictBase64.encode(Array("\(username):\(password)".utf8)) }

    /// What must never appear in a message: the password and the encoded `user:pass`.
    var secrets: [String] { [password, StrictBase64.encode(Array("\(username):\(password)".utf8))] }

    public var description: String { "\(JSONError.quoted(username)) (password not shown)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "(not shown)"]) }

    public static func == (a: Self, b: Self) -> Bool { a.username.isExactly(b.username) && a.password.isExactly(b.password) }
}
