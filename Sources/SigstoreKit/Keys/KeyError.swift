/// Why a key could not be read or used.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a SubjectPublicKeyInfo / PKCS#8 / PEM of a supported key type.
    case unparseable(String)
    /// The key parses but its type or size is not accepted (e.g. RSA under 2048 bits).
    case unsupported(String)

    public var description: String {
        switch self {
        case .unparseable(let why): "couldn't parse key: \(why)"
        case .unsupported(let why): "unsupported key: \(why)"
        }
    }
}
